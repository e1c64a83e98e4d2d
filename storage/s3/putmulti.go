package s3

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ossemu/ossemu/storage"
)

// putMultipart uploads first (PartSize+1 bytes already read) and the rest
// of h as S3 parts. Reading and hashing the next part overlaps with
// uploading the previous one, with two part buffers in all.
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

	uctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		num  int32
		data []byte
	}
	jobs := make(chan job)
	free := make(chan []byte, 2)
	free <- first[:cap(first)]
	free <- make([]byte, b.cfg.PartSize+1)
	var parts []types.CompletedPart
	upErr := make(chan error, 1)
	go func() {
		var failed error
		for j := range jobs {
			if failed == nil {
				res, err := b.client.UploadPart(uctx, &awss3.UploadPartInput{
					Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: up.UploadId, PartNumber: aws.Int32(j.num),
					Body: bytes.NewReader(j.data), ContentLength: aws.Int64(int64(len(j.data))),
				})
				if err != nil {
					failed = mapErr(err, "writing "+bucket+"/"+key)
					cancel() // the reader stops at its next hand-over
				} else {
					parts = append(parts, types.CompletedPart{ETag: res.ETag, PartNumber: aws.Int32(j.num)})
				}
			}
			free <- j.data[:cap(j.data)]
		}
		upErr <- failed
	}()

	// The reader: first already holds one part and one byte of the next.
	buf := <-free
	chunk, carry := buf[:b.cfg.PartSize], buf[b.cfg.PartSize:len(first)]
	var rerr error
	for num := int32(1); ; num++ {
		select {
		case jobs <- job{num, chunk}:
		case <-uctx.Done():
		}
		if uctx.Err() != nil {
			break
		}
		next := <-free
		n := copy(next, carry)
		m, err := storage.Fill(h, next[n:b.cfg.PartSize])
		chunk, carry = next[:n+m], nil
		if err == io.EOF {
			if len(chunk) > 0 {
				select {
				case jobs <- job{num + 1, chunk}:
				case <-uctx.Done():
				}
			}
			break
		}
		if err != nil {
			rerr = storage.BodyError(err, "reading body")
			break
		}
	}
	close(jobs)
	uerr := <-upErr
	switch {
	case uerr != nil:
		return info, uerr
	case rerr != nil:
		return info, rerr
	case ctx.Err() != nil:
		return info, storage.BodyError(ctx.Err(), "reading body")
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
	// The object is in place: a failed metadata copy is logged, and the
	// CRC-64 is recomputed on first access (backfill).
	if err := b.setMeta(ctx, info, aws.ToString(res.ETag)); err != nil {
		b.cfg.Logger.WarnContext(ctx, "s3: recording CRC-64 and ETag", "bucket", bucket, "key", key, "err", err)
	}
	return info, nil
}
