package s3

import (
	"context"
	"hash/crc64"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ossemu/ossemu/storage"
)

// backfill gives an object written by another S3 client (no ossemu-crc64)
// its CRC-64, because the OSS SDKs check x-oss-hash-crc64ecma on download
// and a missing value would read as 0, a mismatch. It reads the object
// once, up to Config.BackfillMax bytes, and records the CRC and the ETag it
// had (so the OSS ETag stays stable) with an in-place metadata copy. When
// that copy is refused (read-only credentials) the CRC is still returned;
// larger objects keep CRC 0.
func (b *Backend) backfill(ctx context.Context, info storage.ObjectInfo, s3ETag string) (storage.ObjectInfo, error) {
	if info.Size > b.cfg.BackfillMax {
		return info, nil
	}
	res, err := b.client.GetObject(ctx, &awss3.GetObjectInput{
		Bucket: b.s3Bucket(info.Bucket), Key: aws.String(info.Key), IfMatch: aws.String(s3ETag),
	})
	if err != nil {
		return info, b.objectErr(ctx, err, info.Bucket, info.Key)
	}
	h := crc64.New(crcTable)
	_, err = io.Copy(h, res.Body)
	res.Body.Close()
	if err != nil {
		return info, mapErr(err, "reading "+info.Bucket+"/"+info.Key)
	}
	info.CRC64 = h.Sum64()
	if err := b.setMeta(ctx, info, s3ETag); err != nil {
		b.cfg.Logger.WarnContext(ctx, "s3: could not record the CRC-64 of an object", "bucket", info.Bucket, "key", info.Key, "err", err)
	}
	return info, nil
}
