package s3

import (
	"context"
	"net/url"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ossemu/ossemu/storage"
)

// defaultMaxKeys is OSS's page size when the client names none.
const defaultMaxKeys = 100

// decodeKey undoes encoding-type=url. Keys may hold control characters XML
// cannot carry, so listings ask for URL-encoded keys; stores that ignore the
// request (versitygw) answer without the EncodingType element and raw keys.
func decodeKey(enc types.EncodingType, s string) string {
	if enc != types.EncodingTypeUrl {
		return s
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// ListObjects maps an OSS listing (marker paging) onto ListObjectsV2
// (start-after plus continuation tokens). Stores disagree on whether a
// start-after inside a common prefix reports that prefix again, so entries
// at or before the marker are dropped here and S3 pages are read until the
// OSS page is full; the OSS NextMarker is the last entry returned, key or
// common prefix, which every store accepts back as start-after.
func (b *Backend) ListObjects(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	maxKeys := opts.MaxKeys
	if maxKeys <= 0 {
		maxKeys = defaultMaxKeys
	}
	in := &awss3.ListObjectsV2Input{Bucket: b.s3Bucket(bucket), MaxKeys: aws.Int32(int32(min(maxKeys+1, 1000))), EncodingType: types.EncodingTypeUrl}
	if opts.Prefix != "" {
		in.Prefix = aws.String(opts.Prefix)
	}
	if opts.Delimiter != "" {
		in.Delimiter = aws.String(opts.Delimiter)
	}
	if opts.Marker != "" {
		in.StartAfter = aws.String(opts.Marker)
	}
	var page storage.ListPage
	count := 0
	for {
		res, err := b.client.ListObjectsV2(ctx, in)
		if err != nil {
			return storage.ListPage{}, mapErr(err, "listing "+bucket)
		}
		type entry struct {
			key string
			obj *storage.ObjectInfo
		}
		var entries []entry
		for _, o := range res.Contents {
			info := storage.ObjectInfo{
				Bucket: bucket, Key: decodeKey(res.EncodingType, aws.ToString(o.Key)), Size: aws.ToInt64(o.Size), LastModified: timeOf(o.LastModified),
			}
			decodeMeta(&info, nil, aws.ToString(o.ETag))
			entries = append(entries, entry{info.Key, &info})
		}
		for _, cp := range res.CommonPrefixes {
			entries = append(entries, entry{key: decodeKey(res.EncodingType, aws.ToString(cp.Prefix))})
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
		for _, e := range entries {
			if e.key <= opts.Marker {
				continue
			}
			if count == maxKeys {
				page.IsTruncated = true
				return page, nil
			}
			count++
			page.NextMarker = e.key
			if e.obj != nil {
				page.Objects = append(page.Objects, *e.obj)
			} else {
				page.CommonPrefixes = append(page.CommonPrefixes, e.key)
			}
		}
		if !aws.ToBool(res.IsTruncated) || aws.ToString(res.NextContinuationToken) == "" {
			page.NextMarker = ""
			return page, nil
		}
		in.ContinuationToken = res.NextContinuationToken
		in.StartAfter = nil
	}
}
