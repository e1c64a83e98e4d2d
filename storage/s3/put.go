package s3

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ossemu/ossemu/storage"
)

// PutObject streams body into bucket/key. A body that fits in one part is a
// single PUT carrying all metadata; a longer one becomes an S3 multipart
// upload (one part in memory at a time), verified before it is completed
// and then given its CRC-64 and ETag by an in-place metadata copy. Either
// way readers see the old object until the new one is whole, and a body
// that fails its size or MD5 check never replaces anything.
func (b *Backend) PutObject(ctx context.Context, bucket, key string, body io.Reader, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := storage.ValidateObjectKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := b.checkBucket(bucket); err != nil {
		return storage.ObjectInfo{}, err
	}
	h := newHashReader(ctx, body)
	var first bytes.Buffer
	_, err := io.CopyN(&first, h, b.cfg.PartSize+1)
	if err != nil && !errors.Is(err, io.EOF) {
		return storage.ObjectInfo{}, storage.BodyError(err, "reading body")
	}
	if err == nil {
		return b.putMultipart(ctx, bucket, key, h, first.Bytes(), opts)
	}
	etag, err := h.check(opts)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	sum, _ := hex.DecodeString(etag)
	crc := h.crc.Sum64()
	in := &awss3.PutObjectInput{
		Bucket:        b.s3Bucket(bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(first.Bytes()),
		ContentLength: aws.Int64(int64(first.Len())),
		ContentMD5:    aws.String(base64.StdEncoding.EncodeToString(sum)),
		Metadata:      encodeMeta(opts, crc, etag, 0),
	}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	if _, err := b.client.PutObject(ctx, in); err != nil {
		return storage.ObjectInfo{}, mapErr(err, "writing "+bucket+"/"+key)
	}
	return storage.ObjectInfo{
		Bucket: bucket, Key: key, Size: h.n, ETag: etag, CRC64: crc, LastModified: time.Now().UTC(),
		ContentType: opts.ContentType, UserMeta: opts.UserMeta, Headers: opts.Headers,
	}, nil
}
