package local

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/ossemu/ossemu/storage"
)

// PutObject stores body under key, replacing any previous object atomically.
func (b *Backend) PutObject(ctx context.Context, bucket, key string, body io.Reader, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := storage.ValidateObjectKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := bucketExists(ctx, b.rdb, bucket); err != nil {
		return storage.ObjectInfo{}, err
	}
	bl, err := b.writeBlob(ctx, bucket, body, opts)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	info := storage.ObjectInfo{
		Bucket: bucket, Key: key, Size: bl.size, ETag: bl.etag(), CRC64: bl.crc64,
		LastModified: time.Now().UTC(), ContentType: opts.ContentType,
		UserMeta: opts.UserMeta, Headers: opts.Headers,
	}
	if err := b.commitObject(ctx, info, bl.rel); err != nil {
		b.removeBlob(bl.rel)
		return storage.ObjectInfo{}, err
	}
	return info, nil
}

// commitObject makes the blob at rel the current version of info.Key and
// removes the blob it replaces.
func (b *Backend) commitObject(ctx context.Context, info storage.ObjectInfo, rel string) error {
	tx, err := b.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("commit object: %w", err)
	}
	defer tx.Rollback()
	old, err := upsertObject(ctx, tx, info, rel)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit object: %w", err)
	}
	b.removeBlob(old)
	return nil
}

// upsertObject writes info's row pointing at the blob rel inside tx and
// returns the blob of the row it replaced ("" if none), to be removed once
// tx commits.
func upsertObject(ctx context.Context, tx *sql.Tx, info storage.ObjectInfo, rel string) (string, error) {
	meta, _ := json.Marshal(info.UserMeta)
	hdrs, _ := json.Marshal(info.Headers)
	// The bucket may have been deleted while the body streamed.
	if err := bucketExists(ctx, tx, info.Bucket); err != nil {
		return "", err
	}
	var old string
	err := tx.QueryRowContext(ctx, `SELECT blob FROM objects WHERE bucket = ? AND key = ?`, info.Bucket, info.Key).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("commit object: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO objects(bucket, key, blob, size, etag, crc64, modified, ctype, meta, headers, parts)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		info.Bucket, info.Key, rel, info.Size, info.ETag, int64(info.CRC64), info.LastModified.UnixNano(),
		info.ContentType, string(meta), string(hdrs), info.PartCount)
	if err != nil {
		return "", fmt.Errorf("commit object: %w", err)
	}
	return old, nil
}

const objectCols = `key, blob, size, etag, crc64, modified, ctype, meta, headers, parts`

type scanner interface{ Scan(dest ...any) error }

func scanObject(bucket string, s scanner) (storage.ObjectInfo, string, error) {
	var (
		info            storage.ObjectInfo
		rel, meta, hdrs string
		crc, modified   int64
	)
	err := s.Scan(&info.Key, &rel, &info.Size, &info.ETag, &crc, &modified, &info.ContentType, &meta, &hdrs, &info.PartCount)
	if err != nil {
		return info, "", err
	}
	info.Bucket = bucket
	info.CRC64 = uint64(crc)
	info.LastModified = time.Unix(0, modified).UTC()
	json.Unmarshal([]byte(meta), &info.UserMeta)
	json.Unmarshal([]byte(hdrs), &info.Headers)
	return info, rel, nil
}

func (b *Backend) lookup(ctx context.Context, bucket, key string) (storage.ObjectInfo, string, error) {
	row := b.rdb.QueryRowContext(ctx, `SELECT `+objectCols+` FROM objects WHERE bucket = ? AND key = ?`, bucket, key)
	info, rel, err := scanObject(bucket, row)
	if errors.Is(err, sql.ErrNoRows) {
		if err := bucketExists(ctx, b.rdb, bucket); err != nil {
			return info, "", err
		}
		return info, "", noSuchKey(key)
	}
	if err != nil {
		return info, "", fmt.Errorf("look up object: %w", err)
	}
	return info, rel, nil
}

// StatObject returns an object's metadata.
func (b *Backend) StatObject(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, _, err := b.lookup(ctx, bucket, key)
	return info, err
}

type object struct {
	*os.File
	info storage.ObjectInfo
}

func (o object) Info() storage.ObjectInfo { return o.info }

// OSFile exposes the open file so the HTTP server can send it with
// sendfile instead of copying through user space.
func (o object) OSFile() *os.File { return o.File }

// GetObject opens an object for reading. The file stays readable even if the
// object is replaced or deleted meanwhile.
func (b *Backend) GetObject(ctx context.Context, bucket, key string) (storage.Object, error) {
	// A concurrent overwrite can delete the blob between the lookup and the
	// open; the lookup then finds the new version.
	for range 5 {
		info, rel, err := b.lookup(ctx, bucket, key)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(b.abs(rel))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("open object: %w", err)
		}
		return object{File: f, info: info}, nil
	}
	return nil, fmt.Errorf("open object %q: blob kept disappearing", key)
}

// LocalPath returns the object's file; it must only be read.
func (b *Backend) LocalPath(ctx context.Context, bucket, key string) (string, error) {
	_, rel, err := b.lookup(ctx, bucket, key)
	if err != nil {
		return "", err
	}
	return b.abs(rel), nil
}

// DeleteObject removes an object; NoSuchKey if absent (the server maps that
// to OSS's 204 for DeleteObject).
func (b *Backend) DeleteObject(ctx context.Context, bucket, key string) error {
	tx, err := b.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	defer tx.Rollback()
	var rel string
	err = tx.QueryRowContext(ctx, `DELETE FROM objects WHERE bucket = ? AND key = ? RETURNING blob`, bucket, key).Scan(&rel)
	if errors.Is(err, sql.ErrNoRows) {
		if err := bucketExists(ctx, tx, bucket); err != nil {
			return err
		}
		return noSuchKey(key)
	}
	if err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	b.removeBlob(rel)
	return nil
}
