package s3

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ossemu/ossemu/storage"
)

// maxCopySize is the largest object a single S3 CopyObject handles.
const maxCopySize = 5 << 30

// copyPartSize is the range each UploadPartCopy moves for larger objects.
const copyPartSize = 1 << 30

// setMeta rewrites an object's metadata in place (a copy onto itself, which
// stores such as MinIO and Ceph do without moving data) to record the CRC-64
// and OSS ETag that were only known once the body had been written. s3ETag
// pins the copy to the version just written, so a newer concurrent write is
// never overwritten with stale metadata.
func (b *Backend) setMeta(ctx context.Context, info storage.ObjectInfo, s3ETag string) error {
	meta := encodeMeta(optsOf(info), info.CRC64, info.ETag, info.PartCount)
	src := copySource(b.cfg.BucketPrefix+info.Bucket, info.Key)
	var ctype *string
	if info.ContentType != "" {
		ctype = aws.String(info.ContentType)
	}
	what := "recording metadata of " + info.Bucket + "/" + info.Key
	if info.Size <= maxCopySize {
		_, err := b.client.CopyObject(ctx, &awss3.CopyObjectInput{
			Bucket: b.s3Bucket(info.Bucket), Key: aws.String(info.Key), CopySource: aws.String(src),
			CopySourceIfMatch: aws.String(s3ETag), MetadataDirective: types.MetadataDirectiveReplace,
			Metadata: meta, ContentType: ctype,
		})
		return mapErr(err, what)
	}
	up, err := b.client.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{
		Bucket: b.s3Bucket(info.Bucket), Key: aws.String(info.Key), Metadata: meta, ContentType: ctype,
	})
	if err != nil {
		return mapErr(err, what)
	}
	var parts []types.CompletedPart
	for off, num := int64(0), int32(1); off < info.Size; off, num = off+copyPartSize, num+1 {
		end := min(off+copyPartSize, info.Size) - 1
		res, err := b.client.UploadPartCopy(ctx, &awss3.UploadPartCopyInput{
			Bucket: b.s3Bucket(info.Bucket), Key: aws.String(info.Key), UploadId: up.UploadId, PartNumber: aws.Int32(num),
			CopySource: aws.String(src), CopySourceIfMatch: aws.String(s3ETag),
			CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", off, end)),
		})
		if err != nil {
			b.client.AbortMultipartUpload(context.WithoutCancel(ctx), &awss3.AbortMultipartUploadInput{
				Bucket: b.s3Bucket(info.Bucket), Key: aws.String(info.Key), UploadId: up.UploadId,
			})
			return mapErr(err, what)
		}
		parts = append(parts, types.CompletedPart{ETag: res.CopyPartResult.ETag, PartNumber: aws.Int32(num)})
	}
	_, err = b.client.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{
		Bucket: b.s3Bucket(info.Bucket), Key: aws.String(info.Key), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	return mapErr(err, what)
}

// copySource formats x-amz-copy-source: the bucket and the key with every
// byte outside the unreserved set percent-encoded ('/' kept), because
// stores disagree on '+' and other reserved characters.
func copySource(bucket, key string) string {
	const hexd = "0123456789ABCDEF"
	var sb strings.Builder
	sb.WriteString(bucket)
	sb.WriteByte('/')
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '~', c == '/':
			sb.WriteByte(c)
		default:
			sb.WriteByte('%')
			sb.WriteByte(hexd[c>>4])
			sb.WriteByte(hexd[c&15])
		}
	}
	return sb.String()
}
