package s3

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ossemu/ossemu/storage"
)

// ListUploads pages through uploads in progress ordered by key, then id.
// Stores differ in delimiter and marker support for ListMultipartUploads,
// and uploads in progress are few, so the prefix's uploads are read whole
// and the OSS page is cut here.
func (b *Backend) ListUploads(ctx context.Context, bucket string, opts storage.UploadListOptions) (storage.UploadPage, error) {
	maxUploads := opts.MaxUploads
	if maxUploads <= 0 {
		maxUploads = 1000
	}
	var all []storage.Upload
	in := &awss3.ListMultipartUploadsInput{Bucket: b.s3Bucket(bucket), EncodingType: types.EncodingTypeUrl}
	if opts.Prefix != "" {
		in.Prefix = aws.String(opts.Prefix)
	}
	for {
		res, err := b.client.ListMultipartUploads(ctx, in)
		if err != nil {
			return storage.UploadPage{}, mapErr(err, "listing uploads of "+bucket)
		}
		for _, u := range res.Uploads {
			all = append(all, storage.Upload{
				Bucket: bucket, Key: decodeKey(res.EncodingType, aws.ToString(u.Key)), UploadID: aws.ToString(u.UploadId), Initiated: timeOf(u.Initiated),
			})
		}
		if !aws.ToBool(res.IsTruncated) {
			break
		}
		in.KeyMarker, in.UploadIdMarker = res.NextKeyMarker, res.NextUploadIdMarker
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Key != all[j].Key {
			return all[i].Key < all[j].Key
		}
		return all[i].UploadID < all[j].UploadID
	})
	var page storage.UploadPage
	count := 0
	lastCP := rollup(opts.KeyMarker, opts.Prefix, opts.Delimiter)
	for _, up := range all {
		if !strings.HasPrefix(up.Key, opts.Prefix) {
			continue
		}
		if opts.KeyMarker != "" && (up.Key < opts.KeyMarker ||
			(up.Key == opts.KeyMarker && (opts.UploadIDMarker == "" || up.UploadID <= opts.UploadIDMarker))) {
			continue
		}
		cp := rollup(up.Key, opts.Prefix, opts.Delimiter)
		if cp != "" && cp == lastCP {
			continue
		}
		if count == maxUploads {
			page.IsTruncated = true
			break
		}
		count++
		if cp != "" {
			lastCP = cp
			page.CommonPrefixes = append(page.CommonPrefixes, cp)
			page.NextKeyMarker, page.NextUploadIDMarker = cp, ""
			continue
		}
		page.Uploads = append(page.Uploads, up)
		page.NextKeyMarker, page.NextUploadIDMarker = up.Key, up.UploadID
	}
	if !page.IsTruncated {
		page.NextKeyMarker, page.NextUploadIDMarker = "", ""
	}
	return page, nil
}

// rollup returns the common prefix key falls under, or "".
func rollup(key, prefix, delim string) string {
	if delim == "" || !strings.HasPrefix(key, prefix) {
		return ""
	}
	if i := strings.Index(key[len(prefix):], delim); i >= 0 {
		return key[:len(prefix)+i+len(delim)]
	}
	return ""
}
