package local

import (
	"context"
	"fmt"
	"time"

	"github.com/ossemu/ossemu/storage"
)

// ListUploads returns uploads in progress ordered by key, then upload id.
func (b *Backend) ListUploads(ctx context.Context, bucket string, opts storage.UploadListOptions) (storage.UploadPage, error) {
	if err := bucketExists(ctx, b.rdb, bucket); err != nil {
		return storage.UploadPage{}, err
	}
	maxUploads := opts.MaxUploads
	if maxUploads <= 0 {
		maxUploads = 1000
	}
	q := `SELECT key, id, initiated FROM uploads WHERE bucket = ? AND key >= ?`
	args := []any{bucket, opts.Prefix}
	if opts.KeyMarker != "" {
		// (key, id) strictly after (KeyMarker, UploadIDMarker); without an
		// id marker every upload of KeyMarker is skipped.
		q += ` AND (key > ? OR (key = ? AND id > ? AND ? <> ''))`
		args = append(args, opts.KeyMarker, opts.KeyMarker, opts.UploadIDMarker, opts.UploadIDMarker)
	}
	if hi := successor(opts.Prefix); opts.Prefix != "" && hi != "" {
		q += ` AND key < ?`
		args = append(args, hi)
	}
	q += ` ORDER BY key, id`
	rows, err := b.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return storage.UploadPage{}, fmt.Errorf("list uploads: %w", err)
	}
	defer rows.Close()
	var page storage.UploadPage
	count := 0
	// A marker under a common prefix means that prefix was already reported.
	lastCP := rollup(opts.KeyMarker, opts.Prefix, opts.Delimiter)
	for rows.Next() {
		var up storage.Upload
		var initiated int64
		if err := rows.Scan(&up.Key, &up.UploadID, &initiated); err != nil {
			return page, fmt.Errorf("list uploads: %w", err)
		}
		up.Bucket = bucket
		up.Initiated = time.Unix(0, initiated).UTC()
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
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list uploads: %w", err)
	}
	if !page.IsTruncated {
		page.NextKeyMarker, page.NextUploadIDMarker = "", ""
	}
	return page, nil
}
