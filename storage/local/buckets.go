package local

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// CreateBucket creates bucket; BucketAlreadyExists if it exists.
func (b *Backend) CreateBucket(ctx context.Context, bucket string) error {
	if err := storage.ValidateBucketName(bucket); err != nil {
		return err
	}
	res, err := b.wdb.ExecContext(ctx, `INSERT INTO buckets(name, created) VALUES(?, ?) ON CONFLICT DO NOTHING`,
		bucket, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return osserr.New(osserr.BucketAlreadyExists, "the bucket %q already exists", bucket)
	}
	return nil
}

// DeleteBucket removes an empty bucket: one with no objects and no
// multipart uploads in progress, as OSS requires.
func (b *Backend) DeleteBucket(ctx context.Context, bucket string) error {
	tx, err := b.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	defer tx.Rollback()
	if err := bucketExists(ctx, tx, bucket); err != nil {
		return err
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM objects WHERE bucket = ? UNION ALL SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1`, bucket, bucket).Scan(&one)
	switch {
	case err == nil:
		return osserr.New(osserr.BucketNotEmpty, "the bucket %q has objects or multipart uploads; delete them first", bucket)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("delete bucket: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM buckets WHERE name = ?`, bucket); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	os.RemoveAll(filepath.Join(b.cfg.Dir, "blobs", bucket))
	return nil
}

// ListBuckets returns all buckets sorted by name.
func (b *Backend) ListBuckets(ctx context.Context) ([]storage.Bucket, error) {
	rows, err := b.rdb.QueryContext(ctx, `SELECT name, created FROM buckets ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	defer rows.Close()
	var out []storage.Bucket
	for rows.Next() {
		var bk storage.Bucket
		var created int64
		if err := rows.Scan(&bk.Name, &created); err != nil {
			return nil, fmt.Errorf("list buckets: %w", err)
		}
		bk.Created = time.Unix(0, created).UTC()
		out = append(out, bk)
	}
	return out, rows.Err()
}

// StatBucket returns one bucket or NoSuchBucket.
func (b *Backend) StatBucket(ctx context.Context, bucket string) (storage.Bucket, error) {
	var created int64
	err := b.rdb.QueryRowContext(ctx, `SELECT created FROM buckets WHERE name = ?`, bucket).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return storage.Bucket{}, noSuchBucket(bucket)
	}
	if err != nil {
		return storage.Bucket{}, fmt.Errorf("stat bucket: %w", err)
	}
	return storage.Bucket{Name: bucket, Created: time.Unix(0, created).UTC()}, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func bucketExists(ctx context.Context, q querier, bucket string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM buckets WHERE name = ?`, bucket).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return noSuchBucket(bucket)
	}
	if err != nil {
		return fmt.Errorf("look up bucket: %w", err)
	}
	return nil
}

func noSuchBucket(bucket string) error {
	return osserr.New(osserr.NoSuchBucket, "the bucket %q does not exist", bucket)
}

func noSuchKey(key string) error {
	return osserr.New(osserr.NoSuchKey, "the object %q does not exist", key)
}
