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
	pager := storage.NewUploadPager(opts)
	for rows.Next() {
		var up storage.Upload
		var initiated int64
		if err := rows.Scan(&up.Key, &up.UploadID, &initiated); err != nil {
			return storage.UploadPage{}, fmt.Errorf("list uploads: %w", err)
		}
		up.Bucket = bucket
		up.Initiated = time.Unix(0, initiated).UTC()
		if !pager.Add(up) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return storage.UploadPage{}, fmt.Errorf("list uploads: %w", err)
	}
	return pager.Page(), nil
}
