package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// A write renames its blob into blobs/ and then commits the index row that
// references it; a crash between the two leaves a blob nothing references.
// Such orphans are invisible (no row, no listing) but take disk space, so
// Open starts a sweep that removes them.
//
// Only blobs last written before the sweep began are candidates: the blob
// of a write in flight in this process was written after Open, so its
// modification time is later, and it is never taken for an orphan while its
// row is being committed. A blob is never referenced again once orphaned
// (new rows always point at newly written blobs), so what the sweep finds
// unreferenced stays unreferenced.

// sweepOrphans removes every blob under blobs/ that was last modified before
// before and is referenced by no object or part row. It returns how many it
// removed. Buckets are swept one at a time, each against the set of blobs its
// rows reference.
func (b *Backend) sweepOrphans(ctx context.Context, before time.Time) (int, error) {
	root := filepath.Join(b.cfg.Dir, "blobs")
	ents, err := os.ReadDir(root)
	if err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	removed := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		n, err := b.sweepBucket(ctx, e.Name(), before)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

func (b *Backend) sweepBucket(ctx context.Context, bucket string, before time.Time) (int, error) {
	used, err := b.referencedBlobs(ctx, bucket)
	if err != nil {
		return 0, err
	}
	removed := 0
	dir := filepath.Join(b.cfg.Dir, "blobs", bucket)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // the bucket was deleted meanwhile
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(b.cfg.Dir, p)
		if err != nil || used[rel] {
			return err
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(before) {
			return nil // vanished, or written since the sweep began
		}
		if os.Remove(p) == nil {
			removed++
		}
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("sweep %s: %w", bucket, err)
	}
	return removed, nil
}

// referencedBlobs returns the blob paths the rows of bucket's objects and of
// its uploads' parts point at.
func (b *Backend) referencedBlobs(ctx context.Context, bucket string) (map[string]bool, error) {
	rows, err := b.rdb.QueryContext(ctx, `SELECT blob FROM objects WHERE bucket = ?
		UNION ALL SELECT blob FROM parts WHERE upload IN (SELECT id FROM uploads WHERE bucket = ?)`, bucket, bucket)
	if err != nil {
		return nil, fmt.Errorf("sweep %s: %w", bucket, err)
	}
	defer rows.Close()
	used := map[string]bool{}
	for rows.Next() {
		var rel string
		if err := rows.Scan(&rel); err != nil {
			return nil, fmt.Errorf("sweep %s: %w", bucket, err)
		}
		used[filepath.Clean(rel)] = true
	}
	return used, rows.Err()
}
