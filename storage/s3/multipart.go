package s3

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

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
// S3), then uploads it and remembers its CRC-64 for CompleteUpload.
func (b *Backend) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, opts storage.PutOptions) (storage.Part, error) {
	if partNumber < 1 || partNumber > storage.MaxPartNumber {
		return storage.Part{}, osserr.New(osserr.InvalidArgument, "partNumber %d is outside 1..%d", partNumber, storage.MaxPartNumber).
			With("ArgumentName", "partNumber").With("ArgumentValue", fmt.Sprint(partNumber))
	}
	if err := storage.ValidateObjectKey(key); err != nil {
		return storage.Part{}, err
	}
	sp, err := b.spool(ctx, body, opts)
	if err != nil {
		return storage.Part{}, err
	}
	defer sp.Close()
	r, err := sp.reader()
	if err != nil {
		return storage.Part{}, err
	}
	sum, _ := hex.DecodeString(sp.etag)
	res, err := b.client.UploadPart(ctx, &awss3.UploadPartInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID), PartNumber: aws.Int32(int32(partNumber)),
		Body: r, ContentLength: aws.Int64(sp.size), ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum)),
	})
	if err != nil {
		return storage.Part{}, b.uploadErr(err, bucket, key, uploadID)
	}
	p := storage.Part{
		PartNumber: partNumber, ETag: strings.ToUpper(strings.Trim(aws.ToString(res.ETag), `"`)),
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

// CompleteUpload checks the client's part list against S3's (so a bad list
// changes nothing), completes the S3 upload, and records the OSS ETag
// (upper-case MD5 of the parts' MD5s, "-", the count) and CRC-64.
func (b *Backend) CompleteUpload(ctx context.Context, bucket, key, uploadID string, want []storage.CompletePart) (storage.ObjectInfo, error) {
	have, err := b.allParts(ctx, bucket, key, uploadID)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	if len(want) == 0 {
		return storage.ObjectInfo{}, osserr.New(osserr.InvalidPart, "CompleteMultipartUpload needs at least one part")
	}
	byNum := make(map[int]storage.Part, len(have))
	for _, p := range have {
		byNum[p.PartNumber] = p
	}
	var (
		parts   []types.CompletedPart
		md5s    = md5.New()
		size    int64
		crc     uint64
		crcKnow = true
	)
	b.mu.Lock()
	sums := b.partSums[uploadID]
	b.mu.Unlock()
	for i, w := range want {
		if i > 0 && w.PartNumber <= want[i-1].PartNumber {
			return storage.ObjectInfo{}, osserr.New(osserr.InvalidPartOrder, "parts must be listed in ascending order without repeats; part %d follows part %d", w.PartNumber, want[i-1].PartNumber)
		}
		p, ok := byNum[w.PartNumber]
		etag := strings.Trim(w.ETag, `"`)
		if !ok || !strings.EqualFold(etag, p.ETag) {
			return storage.ObjectInfo{}, osserr.New(osserr.InvalidPart, "part %d with ETag %q was not uploaded", w.PartNumber, etag)
		}
		raw, _ := hex.DecodeString(p.ETag)
		md5s.Write(raw)
		parts = append(parts, types.CompletedPart{ETag: aws.String(`"` + strings.ToLower(p.ETag) + `"`), PartNumber: aws.Int32(int32(p.PartNumber))})
		s, ok := sums[p.PartNumber]
		crcKnow = crcKnow && ok && s.etag == p.ETag
		crc = crc64Combine(crc, s.crc, p.Size)
		size += p.Size
	}
	up, err := b.client.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return storage.ObjectInfo{}, b.uploadErr(err, bucket, key, uploadID)
	}
	b.forget(uploadID)
	st, err := b.StatObject(ctx, bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	if !crcKnow {
		// Parts uploaded by another process (or before a restart): read
		// the object back once.
		if crc, err = b.checksum(ctx, bucket, key); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	info := st
	info.Size, info.CRC64, info.PartCount = size, crc, len(parts)
	info.ETag = fmt.Sprintf("%s-%d", strings.ToUpper(hex.EncodeToString(md5s.Sum(nil))), len(parts))
	if err := b.setMeta(ctx, info, aws.ToString(up.ETag)); err != nil {
		return storage.ObjectInfo{}, err
	}
	return info, nil
}

// checksum streams an object to compute its CRC-64.
func (b *Backend) checksum(ctx context.Context, bucket, key string) (uint64, error) {
	o, err := b.GetObject(ctx, bucket, key)
	if err != nil {
		return 0, err
	}
	defer o.Close()
	h := crc64.New(crcTable)
	if _, err := io.Copy(h, o); err != nil {
		return 0, err
	}
	return h.Sum64(), nil
}

// AbortUpload discards an upload; S3 stores differ on whether aborting an
// unknown id is an error, so existence is checked first.
func (b *Backend) AbortUpload(ctx context.Context, bucket, key, uploadID string) error {
	if _, err := b.ListParts(ctx, bucket, key, uploadID, storage.PartListOptions{MaxParts: 1}); err != nil {
		return err
	}
	_, err := b.client.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
	})
	b.forget(uploadID)
	return b.uploadErr(err, bucket, key, uploadID)
}

func (b *Backend) forget(uploadID string) {
	b.mu.Lock()
	delete(b.partSums, uploadID)
	b.mu.Unlock()
}

// ListParts returns one page of an upload's parts.
func (b *Backend) ListParts(ctx context.Context, bucket, key, uploadID string, opts storage.PartListOptions) (storage.PartPage, error) {
	maxParts := opts.MaxParts
	if maxParts <= 0 {
		maxParts = 1000
	}
	in := &awss3.ListPartsInput{
		Bucket: b.s3Bucket(bucket), Key: aws.String(key), UploadId: aws.String(uploadID), MaxParts: aws.Int32(int32(maxParts)),
	}
	if opts.PartNumberMarker > 0 {
		in.PartNumberMarker = aws.String(fmt.Sprint(opts.PartNumberMarker))
	}
	res, err := b.client.ListParts(ctx, in)
	if err != nil {
		return storage.PartPage{}, b.uploadErr(err, bucket, key, uploadID)
	}
	b.mu.Lock()
	sums := b.partSums[uploadID]
	b.mu.Unlock()
	var page storage.PartPage
	for _, p := range res.Parts {
		part := storage.Part{
			PartNumber: int(aws.ToInt32(p.PartNumber)), ETag: strings.ToUpper(strings.Trim(aws.ToString(p.ETag), `"`)),
			Size: aws.ToInt64(p.Size), LastModified: timeOf(p.LastModified),
		}
		if s, ok := sums[part.PartNumber]; ok && s.etag == part.ETag {
			part.CRC64 = s.crc
		}
		page.Parts = append(page.Parts, part)
		page.NextPartNumberMarker = part.PartNumber
	}
	page.IsTruncated = aws.ToBool(res.IsTruncated)
	return page, nil
}

// allParts lists every part of an upload.
func (b *Backend) allParts(ctx context.Context, bucket, key, uploadID string) ([]storage.Part, error) {
	var out []storage.Part
	opts := storage.PartListOptions{MaxParts: 1000}
	for {
		page, err := b.ListParts(ctx, bucket, key, uploadID, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Parts...)
		if !page.IsTruncated {
			return out, nil
		}
		opts.PartNumberMarker = page.NextPartNumberMarker
	}
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
