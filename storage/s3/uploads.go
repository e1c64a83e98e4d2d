package s3

import (
	"context"
	"sort"

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
	pager := storage.NewUploadPager(opts)
	for _, up := range all {
		if !pager.Add(up) {
			break
		}
	}
	return pager.Page(), nil
}
