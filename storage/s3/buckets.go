package s3

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// CreateBucket creates the S3 bucket; one that already exists (ours or not)
// is BucketAlreadyExists, as on OSS.
func (b *Backend) CreateBucket(ctx context.Context, bucket string) error {
	if err := b.checkBucket(bucket); err != nil {
		return err
	}
	_, err := b.client.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b.s3Bucket(bucket), CreateBucketConfiguration: b.location()})
	return mapErr(err, "creating bucket "+bucket)
}

// DeleteBucket deletes an empty bucket. Uploads in progress count as
// content, as on OSS (S3 would silently drop them).
func (b *Backend) DeleteBucket(ctx context.Context, bucket string) error {
	ups, err := b.client.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: b.s3Bucket(bucket), MaxUploads: aws.Int32(1)})
	if err != nil {
		return b.bucketErr(ctx, err, bucket, "listing uploads of "+bucket)
	}
	if len(ups.Uploads) > 0 {
		return osserr.New(osserr.BucketNotEmpty, "the bucket %q has multipart uploads in progress", bucket)
	}
	_, err = b.client.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: b.s3Bucket(bucket)})
	return b.bucketErr(ctx, err, bucket, "deleting bucket "+bucket)
}

// ListBuckets returns the buckets under the configured prefix, by name.
func (b *Backend) ListBuckets(ctx context.Context) ([]storage.Bucket, error) {
	var out []storage.Bucket
	in := &awss3.ListBucketsInput{}
	for {
		res, err := b.client.ListBuckets(ctx, in)
		if err != nil {
			return nil, mapErr(err, "listing buckets")
		}
		for _, bk := range res.Buckets {
			name := aws.ToString(bk.Name)
			if !strings.HasPrefix(name, b.cfg.BucketPrefix) {
				continue
			}
			name = name[len(b.cfg.BucketPrefix):]
			if !names.ValidBucketName(name) {
				continue // not a name OSS clients could address
			}
			out = append(out, storage.Bucket{Name: name, Created: timeOf(bk.CreationDate)})
		}
		if aws.ToString(res.ContinuationToken) == "" {
			break
		}
		in.ContinuationToken = res.ContinuationToken
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// StatBucket returns one bucket; S3 reports creation dates only in
// ListBuckets, so that is what it reads.
func (b *Backend) StatBucket(ctx context.Context, bucket string) (storage.Bucket, error) {
	if !names.ValidBucketName(bucket) {
		return storage.Bucket{}, osserr.New(osserr.NoSuchBucket, "the bucket %q does not exist", bucket)
	}
	list, err := b.ListBuckets(ctx)
	if err != nil {
		return storage.Bucket{}, err
	}
	for _, bk := range list {
		if bk.Name == bucket {
			return bk, nil
		}
	}
	return storage.Bucket{}, osserr.New(osserr.NoSuchBucket, "the bucket %q does not exist", bucket)
}

// bucketErr maps err, telling a missing bucket apart from other 404s that
// carry no error code (HEAD answers have no body).
func (b *Backend) bucketErr(ctx context.Context, err error, bucket, what string) error {
	if err == nil {
		return nil
	}
	if httpStatus(err) == 404 && !hasCode(err) {
		if _, herr := b.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: b.s3Bucket(bucket)}); httpStatus(herr) == 404 {
			return osserr.Wrap(osserr.NoSuchBucket, err, "the bucket %q does not exist", bucket)
		}
	}
	return mapErr(err, what)
}
