package local

import (
	"context"
	"fmt"

	"github.com/ossemu/ossemu/storage"
)

// successor returns the smallest string greater than every string that has
// p as a prefix (p with its last byte incremented). Keys are UTF-8 and never
// hold 0xff, so the increment never overflows in practice.
func successor(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return "" // no upper bound
}

// ListObjects returns one page of keys in byte order. Each page is a few
// range scans of the (bucket, key) primary key: one per batch of keys plus
// one per common prefix, which is skipped over in a single seek. Nothing
// walks the bucket.
func (b *Backend) ListObjects(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	if err := bucketExists(ctx, b.rdb, bucket); err != nil {
		return storage.ListPage{}, err
	}
	maxKeys := opts.MaxKeys
	if maxKeys <= 0 {
		maxKeys = 100
	}
	lo := opts.Prefix // keys >= lo
	if opts.Marker != "" && opts.Marker+"\x00" > lo {
		lo = opts.Marker + "\x00"
		// Keys under a common prefix the previous page ended on were
		// already reported as that prefix.
		if cp := storage.CommonPrefix(opts.Marker, opts.Prefix, opts.Delimiter); cp != "" {
			lo = successor(cp)
		}
	}
	hi := successor(opts.Prefix) // keys < hi; "" means unbounded
	var page storage.ListPage
	count := 0
	add := func(key string) bool { // reports false when the page is full
		if count == maxKeys {
			page.IsTruncated = true
			return false
		}
		count++
		page.NextMarker = key
		return true
	}
	for {
		q := `SELECT ` + objectCols + ` FROM objects WHERE bucket = ? AND key >= ?`
		args := []any{bucket, lo}
		if opts.Prefix != "" && hi != "" {
			q += ` AND key < ?`
			args = append(args, hi)
		}
		batch := maxKeys - count + 1
		q += fmt.Sprintf(` ORDER BY key LIMIT %d`, batch)
		rows, err := b.rdb.QueryContext(ctx, q, args...)
		if err != nil {
			return page, fmt.Errorf("list objects: %w", err)
		}
		n, jumped, full := 0, false, false
		for rows.Next() {
			n++
			info, _, err := scanObject(bucket, rows)
			if err != nil {
				rows.Close()
				return page, fmt.Errorf("list objects: %w", err)
			}
			if cp := storage.CommonPrefix(info.Key, opts.Prefix, opts.Delimiter); cp != "" {
				if !add(cp) {
					full = true
					break
				}
				page.CommonPrefixes = append(page.CommonPrefixes, cp)
				lo, jumped = successor(cp), true
				break
			}
			if !add(info.Key) {
				full = true
				break
			}
			page.Objects = append(page.Objects, info)
			lo = info.Key + "\x00"
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return page, fmt.Errorf("list objects: %w", err)
		}
		if full || (!jumped && n < batch) || lo == "" {
			break
		}
	}
	if !page.IsTruncated {
		page.NextMarker = ""
	}
	return page, nil
}
