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
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

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
		return storage.ObjectInfo{}, bodyError(err)
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

// putMultipart uploads first (PartSize+1 bytes already read) and the rest
// of h as S3 parts.
func (b *Backend) putMultipart(ctx context.Context, bucket, key string, h *hashReader, first []byte, opts storage.PutOptions) (info storage.ObjectInfo, err error) {
	cin := &awss3.CreateMultipartUploadInput{Bucket: b.s3Bucket(bucket), Key: aws.String(key), Metadata: encodeMeta(opts, 0, "", 0)}
	if opts.ContentType != "" {
		cin.ContentType = aws.String(opts.ContentType)
	}
	up, err := b.client.CreateMultipartUpload(ctx, cin)
	if err != nil {
		return info, mapErr(err, "starting upload of "+bucket+"/"+key)
	}
	done := false
	defer func() {
		if !done {
			b.client.AbortMultipartUpload(context.WithoutCancel(ctx), &awss3.AbortMultipartUploadInput{
				Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: up.UploadId,
			})
		}
	}()
	buf := make([]byte, b.cfg.PartSize)
	chunk := buf[:copy(buf, first[:b.cfg.PartSize])]
	carry := first[b.cfg.PartSize:]
	var parts []types.CompletedPart
	for num := int32(1); ; num++ {
		res, err := b.client.UploadPart(ctx, &awss3.UploadPartInput{
			Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: up.UploadId, PartNumber: aws.Int32(num),
			Body: bytes.NewReader(chunk), ContentLength: aws.Int64(int64(len(chunk))),
		})
		if err != nil {
			return info, mapErr(err, "writing "+bucket+"/"+key)
		}
		parts = append(parts, types.CompletedPart{ETag: res.ETag, PartNumber: aws.Int32(num)})
		n := copy(buf, carry)
		carry = nil
		m, rerr := io.ReadFull(h, buf[n:])
		chunk = buf[:n+m]
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			if len(chunk) == 0 {
				break
			}
			continue
		}
		if rerr != nil {
			return info, bodyError(rerr)
		}
	}
	etag, err := h.check(opts)
	if err != nil {
		return info, err
	}
	res, err := b.client.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return info, mapErr(err, "completing "+bucket+"/"+key)
	}
	done = true
	info = storage.ObjectInfo{
		Bucket: bucket, Key: key, Size: h.n, ETag: etag, CRC64: h.crc.Sum64(), LastModified: time.Now().UTC(),
		ContentType: opts.ContentType, UserMeta: opts.UserMeta, Headers: opts.Headers,
	}
	if err := b.setMeta(ctx, info, aws.ToString(res.ETag)); err != nil {
		return storage.ObjectInfo{}, err
	}
	return info, nil
}
