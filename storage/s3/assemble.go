package s3

import (
	"context"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ossemu/ossemu/storage"
)

// assemble fills S3 upload uploadID on bucket/key with the staged parts, in
// order, and completes it. Parts are grouped so every S3 part but the last
// reaches 5 MiB: a lone part that does is copied server-side, a group of
// smaller ones is streamed through this process (spooled like any part).
// It returns the completed object's S3 ETag.
func (b *Backend) assemble(ctx context.Context, bucket, key, uploadID string, parts []storage.Part) (string, error) {
	var done []types.CompletedPart
	flush := func(group []storage.Part) error {
		num := aws.Int32(int32(len(done) + 1))
		if len(group) == 1 { // 5 MiB or more, or the last part
			res, err := b.client.UploadPartCopy(ctx, &awss3.UploadPartCopyInput{
				Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID), PartNumber: num,
				CopySource: aws.String(copySource(aws.ToString(b.stagingBucket()), stagingKey(bucket, uploadID, group[0].PartNumber))),
			})
			if err != nil {
				return b.uploadErr(err, bucket, key, uploadID)
			}
			done = append(done, types.CompletedPart{ETag: res.CopyPartResult.ETag, PartNumber: num})
			return nil
		}
		readers := make([]io.Reader, 0, len(group))
		closers := make([]io.Closer, 0, len(group))
		defer func() {
			for _, c := range closers {
				c.Close()
			}
		}()
		for _, p := range group {
			res, err := b.client.GetObject(ctx, &awss3.GetObjectInput{
				Bucket: b.stagingBucket(), Key: aws.String(stagingKey(bucket, uploadID, p.PartNumber)),
			})
			if err != nil {
				return mapErr(err, "reading part "+strconv.Itoa(p.PartNumber)+" of upload "+uploadID)
			}
			readers, closers = append(readers, res.Body), append(closers, res.Body)
		}
		sp, err := b.spool(ctx, io.MultiReader(readers...), storage.PutOptions{Size: -1})
		if err != nil {
			return err
		}
		defer sp.Close()
		r, err := sp.reader()
		if err != nil {
			return err
		}
		res, err := b.client.UploadPart(ctx, &awss3.UploadPartInput{
			Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID), PartNumber: num,
			Body: r, ContentLength: aws.Int64(sp.size),
		})
		if err != nil {
			return b.uploadErr(err, bucket, key, uploadID)
		}
		done = append(done, types.CompletedPart{ETag: res.ETag, PartNumber: num})
		return nil
	}
	var group []storage.Part
	var size int64
	for i, p := range parts {
		group, size = append(group, p), size+p.Size
		if size >= minS3Part || i == len(parts)-1 {
			if err := flush(group); err != nil {
				return "", err
			}
			group, size = nil, 0
		}
	}
	res, err := b.client.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
	})
	if err != nil {
		return "", b.uploadErr(err, bucket, key, uploadID)
	}
	return aws.ToString(res.ETag), nil
}
