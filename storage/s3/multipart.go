package s3

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// InitiateUpload starts an S3 multipart upload carrying the final object's
// content type and metadata.
func (b *Backend) InitiateUpload(ctx context.Context, bucket, key string, opts storage.PutOptions) (storage.Upload, error) {
	if err := storage.ValidateObjectKey(key); err != nil {
		return storage.Upload{}, err
	}
	if err := b.checkBucket(bucket); err != nil {
		return storage.Upload{}, err
	}
	in := &awss3.CreateMultipartUploadInput{Bucket: b.s3Bucket(bucket), Key: aws.String(key), Metadata: encodeMeta(opts, 0, "", 0)}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	res, err := b.client.CreateMultipartUpload(ctx, in)
	if err != nil {
		return storage.Upload{}, mapErr(err, "starting upload of "+bucket+"/"+key)
	}
	return storage.Upload{Bucket: bucket, Key: key, UploadID: aws.ToString(res.UploadId), Initiated: time.Now().UTC()}, nil
}

// UploadPart verifies the part body (spooled, so a bad MD5 never reaches
// S3), then stages it (see staging.go) and remembers its CRC-64.
func (b *Backend) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, opts storage.PutOptions) (storage.Part, error) {
	if partNumber < 1 || partNumber > storage.MaxPartNumber {
		return storage.Part{}, osserr.New(osserr.InvalidArgument, "partNumber %d is outside 1..%d", partNumber, storage.MaxPartNumber).
			With("ArgumentName", "partNumber").With("ArgumentValue", fmt.Sprint(partNumber))
	}
	if err := storage.ValidateObjectKey(key); err != nil {
		return storage.Part{}, err
	}
	// The S3 upload must exist (NoSuchUpload otherwise) before anything
	// is staged for it.
	if err := b.checkUpload(ctx, bucket, key, uploadID); err != nil {
		return storage.Part{}, err
	}
	sp, err := b.spool(ctx, body, opts)
	if err != nil {
		return storage.Part{}, err
	}
	defer sp.Close()
	sum, _ := hex.DecodeString(sp.etag)
	etag, err := b.putStaged(ctx, bucket, uploadID, partNumber, sp, base64.StdEncoding.EncodeToString(sum))
	if err != nil {
		return storage.Part{}, err
	}
	p := storage.Part{
		PartNumber: partNumber, ETag: strings.ToUpper(strings.Trim(etag, `"`)),
		Size: sp.size, CRC64: sp.crc, LastModified: time.Now().UTC(),
	}
	b.mu.Lock()
	if b.partSums[uploadID] == nil {
		b.partSums[uploadID] = map[int]partSum{}
	}
	b.partSums[uploadID][partNumber] = partSum{etag: p.ETag, size: p.Size, crc: p.CRC64}
	b.mu.Unlock()
	return p, nil
}

// CompleteUpload checks the client's part list against the staged parts (so
// a bad list changes nothing), assembles them into the S3 upload, and
// records the OSS ETag (upper-case MD5 of the parts' MD5s, "-", the count)
// and the CRC-64 combined from the parts'.
func (b *Backend) CompleteUpload(ctx context.Context, bucket, key, uploadID string, want []storage.CompletePart) (storage.ObjectInfo, error) {
	have, err := b.allParts(ctx, bucket, key, uploadID)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	part := func(p storage.Part) storage.Part { return p }
	chosen, err := storage.ChooseParts(want, have, part)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	var (
		size int64
		crc  uint64
	)
	for _, p := range chosen {
		pc, err := b.partCRC(ctx, bucket, uploadID, p)
		if err != nil {
			return storage.ObjectInfo{}, err
		}
		crc = crc64Combine(crc, pc, p.Size)
		size += p.Size
	}
	s3ETag, err := b.assemble(ctx, bucket, key, uploadID, chosen)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	// The object is in place from here on: later failures are logged, not
	// returned, because a retried CompleteMultipartUpload would only find
	// the upload gone. Leftover staged parts waste space, nothing else; a
	// missing CRC-64 is recomputed on first access (backfill).
	if err := b.dropStaged(ctx, bucket, uploadID); err != nil {
		b.cfg.Logger.WarnContext(ctx, "s3: deleting staged parts", "upload", uploadID, "err", err)
	}
	st, _, _, err := b.head(ctx, bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	info := st
	info.Size, info.CRC64, info.PartCount = size, crc, len(chosen)
	info.ETag = storage.MultipartETag(chosen, part)
	if err := b.setMeta(ctx, info, s3ETag); err != nil {
		b.cfg.Logger.WarnContext(ctx, "s3: recording CRC-64 and ETag", "bucket", bucket, "key", key, "err", err)
	}
	return info, nil
}

// AbortUpload discards an upload and its staged parts; S3 stores differ on
// whether aborting an unknown id is an error, so existence is checked
// first.
func (b *Backend) AbortUpload(ctx context.Context, bucket, key, uploadID string) error {
	if err := b.checkUpload(ctx, bucket, key, uploadID); err != nil {
		return err
	}
	if err := b.dropStaged(ctx, bucket, uploadID); err != nil {
		return err
	}
	_, err := b.client.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
	})
	return b.uploadErr(err, bucket, key, uploadID)
}

func (b *Backend) forget(uploadID string) {
	b.mu.Lock()
	delete(b.partSums, uploadID)
	b.mu.Unlock()
}

// ListParts returns one page of an upload's staged parts.
func (b *Backend) ListParts(ctx context.Context, bucket, key, uploadID string, opts storage.PartListOptions) (storage.PartPage, error) {
	maxParts := opts.PageSize()
	if err := b.checkUpload(ctx, bucket, key, uploadID); err != nil {
		return storage.PartPage{}, err
	}
	parts, truncated, err := b.stagedParts(ctx, bucket, uploadID, opts.PartNumberMarker, maxParts)
	if err != nil {
		return storage.PartPage{}, err
	}
	page := storage.PartPage{IsTruncated: truncated}
	for _, p := range parts {
		if p.CRC64, err = b.partCRC(ctx, bucket, uploadID, p); err != nil {
			return storage.PartPage{}, err
		}
		page.Parts = append(page.Parts, p)
		page.NextPartNumberMarker = p.PartNumber
	}
	return page, nil
}

// allParts lists every part of an upload.
func (b *Backend) allParts(ctx context.Context, bucket, key, uploadID string) ([]storage.Part, error) {
	if err := b.checkUpload(ctx, bucket, key, uploadID); err != nil {
		return nil, err
	}
	parts, _, err := b.stagedParts(ctx, bucket, uploadID, 0, 0)
	return parts, err
}

// uploadErr maps an error about an upload; a bare 404 is NoSuchUpload.
func (b *Backend) uploadErr(err error, bucket, key, uploadID string) error {
	if err == nil {
		return nil
	}
	if httpStatus(err) == 404 && !hasCode(err) {
		return osserr.Wrap(osserr.NoSuchUpload, err, "the upload %q of %s/%s does not exist", uploadID, bucket, key)
	}
	return mapErr(err, "upload "+uploadID+" of "+bucket+"/"+key)
}

// checkUpload returns NoSuchUpload unless the S3 upload is open.
func (b *Backend) checkUpload(ctx context.Context, bucket, key, uploadID string) error {
	_, err := b.client.ListParts(ctx, &awss3.ListPartsInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID), MaxParts: aws.Int32(1),
	})
	return b.uploadErr(err, bucket, key, uploadID)
}
