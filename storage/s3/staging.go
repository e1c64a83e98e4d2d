package s3

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// OSS accepts parts down to 100 KiB, S3 stores only down to 5 MiB, and S3
// cannot read the parts of an unfinished upload. So OSS parts are kept as
// ordinary objects in a staging bucket, <bucket>/<upload id>/<part number>,
// and CompleteUpload assembles them into the S3 upload opened by
// InitiateUpload: server-side copies for parts of 5 MiB and more, and
// concatenations of runs of smaller parts. The staging bucket's name has a
// dot, which OSS bucket names never have, so it cannot collide with an OSS
// bucket and ListBuckets never shows it.
const stagingSuffix = "ossemu.staging"

// minS3Part is the smallest non-last part S3 stores accept.
const minS3Part = 5 << 20

func (b *Backend) stagingBucket() *string { return aws.String(b.cfg.BucketPrefix + stagingSuffix) }

func stagingPrefix(bucket, uploadID string) string { return bucket + "/" + uploadID + "/" }

func stagingKey(bucket, uploadID string, part int) string {
	return fmt.Sprintf("%s%05d", stagingPrefix(bucket, uploadID), part)
}

// putStaged stores one verified part, creating the staging bucket on first
// use.
func (b *Backend) putStaged(ctx context.Context, bucket, uploadID string, part int, sp *spooled, md5b64 string) (string, error) {
	for attempt := 0; ; attempt++ {
		r, err := sp.reader()
		if err != nil {
			return "", err
		}
		res, err := b.client.PutObject(ctx, &awss3.PutObjectInput{
			Bucket: b.stagingBucket(), Key: aws.String(stagingKey(bucket, uploadID, part)),
			Body: r, ContentLength: aws.Int64(sp.size), ContentMD5: aws.String(md5b64),
			Metadata: map[string]string{metaCRC64: strconv.FormatUint(sp.crc, 10), metaETag: sp.etag},
		})
		if err == nil {
			return aws.ToString(res.ETag), nil
		}
		if attempt > 0 || !osserr.Is(mapErr(err, ""), osserr.NoSuchBucket) {
			return "", mapErr(err, "staging a part of upload "+uploadID)
		}
		_, cerr := b.client.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b.stagingBucket(), CreateBucketConfiguration: b.location()})
		if cerr != nil && !osserr.Is(mapErr(cerr, ""), osserr.BucketAlreadyExists) {
			return "", mapErr(cerr, "creating the staging bucket")
		}
	}
}

// location is the CreateBucket configuration for the configured region.
func (b *Backend) location() *types.CreateBucketConfiguration {
	if b.cfg.Region == "us-east-1" {
		return nil
	}
	return &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(b.cfg.Region)}
}

// stagedParts lists staged parts after marker, at most max (0: all).
func (b *Backend) stagedParts(ctx context.Context, bucket, uploadID string, marker, max int) (parts []storage.Part, truncated bool, err error) {
	prefix := stagingPrefix(bucket, uploadID)
	in := &awss3.ListObjectsV2Input{Bucket: b.stagingBucket(), Prefix: aws.String(prefix)}
	if marker > 0 {
		in.StartAfter = aws.String(stagingKey(bucket, uploadID, marker))
	}
	for {
		res, err := b.client.ListObjectsV2(ctx, in)
		if err != nil {
			if osserr.Is(mapErr(err, ""), osserr.NoSuchBucket) {
				return nil, false, nil // nothing staged yet
			}
			return nil, false, mapErr(err, "listing parts of upload "+uploadID)
		}
		for _, o := range res.Contents {
			num, err := strconv.Atoi(strings.TrimPrefix(aws.ToString(o.Key), prefix))
			if err != nil {
				continue
			}
			if max > 0 && len(parts) == max {
				return parts, true, nil
			}
			parts = append(parts, storage.Part{
				PartNumber: num, ETag: strings.ToUpper(strings.Trim(aws.ToString(o.ETag), `"`)),
				Size: aws.ToInt64(o.Size), LastModified: timeOf(o.LastModified),
			})
		}
		if !aws.ToBool(res.IsTruncated) {
			return parts, false, nil
		}
		in.ContinuationToken, in.StartAfter = res.NextContinuationToken, nil
	}
}

// partCRC returns a staged part's CRC-64: from memory when this process
// staged it, otherwise from the part's metadata.
func (b *Backend) partCRC(ctx context.Context, bucket, uploadID string, p storage.Part) (uint64, error) {
	b.mu.Lock()
	s, ok := b.partSums[uploadID][p.PartNumber]
	b.mu.Unlock()
	if ok && s.etag == p.ETag {
		return s.crc, nil
	}
	res, err := b.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b.stagingBucket(), Key: aws.String(stagingKey(bucket, uploadID, p.PartNumber))})
	if err != nil {
		return 0, mapErr(err, "reading part "+strconv.Itoa(p.PartNumber)+" of upload "+uploadID)
	}
	return strconv.ParseUint(res.Metadata[metaCRC64], 10, 64)
}

// dropStaged deletes an upload's staged parts.
func (b *Backend) dropStaged(ctx context.Context, bucket, uploadID string) error {
	parts, _, err := b.stagedParts(ctx, bucket, uploadID, 0, 0)
	if err != nil {
		return err
	}
	for i := 0; i < len(parts); i += 1000 {
		var ids []types.ObjectIdentifier
		for _, p := range parts[i:min(i+1000, len(parts))] {
			ids = append(ids, types.ObjectIdentifier{Key: aws.String(stagingKey(bucket, uploadID, p.PartNumber))})
		}
		if _, err := b.client.DeleteObjects(ctx, &awss3.DeleteObjectsInput{
			Bucket: b.stagingBucket(), Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		}); err != nil {
			return mapErr(err, "deleting the parts of upload "+uploadID)
		}
	}
	b.forget(uploadID)
	return nil
}
