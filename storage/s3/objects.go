package s3

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// StatObject returns an object's metadata from a HEAD.
func (b *Backend) StatObject(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, hasCRC, s3ETag, err := b.head(ctx, bucket, key)
	if err != nil || hasCRC {
		return info, err
	}
	return b.backfill(ctx, info, s3ETag)
}

// head reads an object's metadata without backfilling its CRC-64.
func (b *Backend) head(ctx context.Context, bucket, key string) (info storage.ObjectInfo, hasCRC bool, s3ETag string, err error) {
	if err := storage.ValidateObjectKey(key); err != nil {
		return info, false, "", err
	}
	if !names.ValidBucketName(bucket) {
		return info, false, "", osserr.New(osserr.NoSuchBucket, "the bucket %q does not exist", bucket)
	}
	res, err := b.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b.s3Bucket(bucket), Key: aws.String(key)})
	if err != nil {
		return info, false, "", b.objectErr(ctx, err, bucket, key)
	}
	info = storage.ObjectInfo{
		Bucket: bucket, Key: key, Size: aws.ToInt64(res.ContentLength), LastModified: timeOf(res.LastModified),
		ContentType: aws.ToString(res.ContentType),
	}
	hasCRC = decodeMeta(&info, res.Metadata, aws.ToString(res.ETag))
	return info, hasCRC, aws.ToString(res.ETag), nil
}

// DeleteObject removes an object. S3 answers 204 for a missing key; OSS's
// NoSuchKey comes from a HEAD first.
func (b *Backend) DeleteObject(ctx context.Context, bucket, key string) error {
	if _, _, _, err := b.head(ctx, bucket, key); err != nil {
		return err
	}
	_, err := b.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: b.s3Bucket(bucket), Key: aws.String(key)})
	return mapErr(err, "deleting "+bucket+"/"+key)
}

// GetObject opens an object for seekable reading (see object).
func (b *Backend) GetObject(ctx context.Context, bucket, key string) (storage.Object, error) {
	return b.getObject(ctx, bucket, key, nil)
}

// getObject opens an object; crc, when set, is its CRC-64 just computed by
// backfill (which may have been unable to record it).
func (b *Backend) getObject(ctx context.Context, bucket, key string, crc *uint64) (storage.Object, error) {
	if err := storage.ValidateObjectKey(key); err != nil {
		return nil, err
	}
	if !names.ValidBucketName(bucket) {
		return nil, osserr.New(osserr.NoSuchBucket, "the bucket %q does not exist", bucket)
	}
	res, err := b.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: b.s3Bucket(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, b.objectErr(ctx, err, bucket, key)
	}
	info := storage.ObjectInfo{
		Bucket: bucket, Key: key, Size: aws.ToInt64(res.ContentLength), LastModified: timeOf(res.LastModified),
		ContentType: aws.ToString(res.ContentType),
	}
	if !decodeMeta(&info, res.Metadata, aws.ToString(res.ETag)) {
		if crc != nil {
			info.CRC64 = *crc
		} else if info.Size <= b.cfg.BackfillMax {
			// Written by another S3 client: record its CRC-64 first,
			// then open the object as it now is.
			res.Body.Close()
			bf, err := b.backfill(ctx, info, aws.ToString(res.ETag))
			if err != nil {
				return nil, err
			}
			return b.getObject(ctx, bucket, key, &bf.CRC64)
		}
	}
	o := &object{
		ctx: ctx, b: b, info: info, s3ETag: aws.ToString(res.ETag), version: aws.ToString(res.VersionId),
		body: res.Body,
	}
	return o, nil
}

// objectErr maps an error about bucket/key; a bare 404 (HEAD) is NoSuchKey
// unless the bucket is missing.
func (b *Backend) objectErr(ctx context.Context, err error, bucket, key string) error {
	if httpStatus(err) == 404 && !hasCode(err) {
		if _, herr := b.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: b.s3Bucket(bucket)}); httpStatus(herr) == 404 {
			return osserr.Wrap(osserr.NoSuchBucket, err, "the bucket %q does not exist", bucket)
		}
		return osserr.Wrap(osserr.NoSuchKey, err, "the object %q does not exist", key)
	}
	return mapErr(err, "reading "+bucket+"/"+key)
}
