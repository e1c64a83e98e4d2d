package local

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// InitiateUpload records a new upload with the final object's metadata.
func (b *Backend) InitiateUpload(ctx context.Context, bucket, key string, opts storage.PutOptions) (storage.Upload, error) {
	if err := storage.ValidateObjectKey(key); err != nil {
		return storage.Upload{}, err
	}
	if err := bucketExists(ctx, b.rdb, bucket); err != nil {
		return storage.Upload{}, err
	}
	up := storage.Upload{Bucket: bucket, Key: key, UploadID: strings.ToUpper(newID()), Initiated: time.Now().UTC()}
	meta, _ := json.Marshal(opts.UserMeta)
	hdrs, _ := json.Marshal(opts.Headers)
	_, err := b.wdb.ExecContext(ctx, `INSERT INTO uploads(id, bucket, key, initiated, ctype, meta, headers) VALUES(?, ?, ?, ?, ?, ?, ?)`,
		up.UploadID, bucket, key, up.Initiated.UnixNano(), opts.ContentType, string(meta), string(hdrs))
	if err != nil {
		return storage.Upload{}, fmt.Errorf("initiate upload: %w", err)
	}
	return up, nil
}

type uploadRow struct {
	opts      storage.PutOptions
	initiated time.Time
}

func (b *Backend) upload(ctx context.Context, q querier, bucket, key, id string) (uploadRow, error) {
	var (
		u          uploadRow
		meta, hdrs string
		initiated  int64
	)
	err := q.QueryRowContext(ctx, `SELECT initiated, ctype, meta, headers FROM uploads WHERE id = ? AND bucket = ? AND key = ?`,
		id, bucket, key).Scan(&initiated, &u.opts.ContentType, &meta, &hdrs)
	if errors.Is(err, sql.ErrNoRows) {
		if err := bucketExists(ctx, q, bucket); err != nil {
			return u, err
		}
		return u, osserr.New(osserr.NoSuchUpload, "the multipart upload %q for %q does not exist; it may have been completed or aborted", id, key)
	}
	if err != nil {
		return u, fmt.Errorf("look up upload: %w", err)
	}
	u.initiated = time.Unix(0, initiated).UTC()
	json.Unmarshal([]byte(meta), &u.opts.UserMeta)
	json.Unmarshal([]byte(hdrs), &u.opts.Headers)
	return u, nil
}

// UploadPart stores one part, replacing an earlier upload of the same number.
func (b *Backend) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, opts storage.PutOptions) (storage.Part, error) {
	if partNumber < 1 || partNumber > storage.MaxPartNumber {
		return storage.Part{}, osserr.New(osserr.InvalidArgument, "partNumber %d is out of range [1, %d]", partNumber, storage.MaxPartNumber)
	}
	if _, err := b.upload(ctx, b.rdb, bucket, key, uploadID); err != nil {
		return storage.Part{}, err
	}
	bl, err := b.writeBlob(ctx, bucket, body, opts)
	if err != nil {
		return storage.Part{}, err
	}
	p := storage.Part{PartNumber: partNumber, ETag: bl.etag(), Size: bl.size, CRC64: bl.crc64, LastModified: time.Now().UTC()}
	if err := b.commitPart(ctx, bucket, key, uploadID, p, bl.rel); err != nil {
		b.removeBlob(bl.rel)
		return storage.Part{}, err
	}
	return p, nil
}

func (b *Backend) commitPart(ctx context.Context, bucket, key, uploadID string, p storage.Part, rel string) error {
	tx, err := b.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("commit part: %w", err)
	}
	defer tx.Rollback()
	if _, err := b.upload(ctx, tx, bucket, key, uploadID); err != nil {
		return err // aborted while the body streamed
	}
	var old string
	err = tx.QueryRowContext(ctx, `SELECT blob FROM parts WHERE upload = ? AND number = ?`, uploadID, p.PartNumber).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("commit part: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO parts(upload, number, blob, size, etag, crc64, modified) VALUES(?, ?, ?, ?, ?, ?, ?)`,
		uploadID, p.PartNumber, rel, p.Size, p.ETag, int64(p.CRC64), p.LastModified.UnixNano())
	if err != nil {
		return fmt.Errorf("commit part: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit part: %w", err)
	}
	b.removeBlob(old)
	return nil
}

type partRow struct {
	storage.Part
	rel string
}

func (b *Backend) parts(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, uploadID string, after, limit int) ([]partRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT number, blob, size, etag, crc64, modified FROM parts WHERE upload = ? AND number > ? ORDER BY number LIMIT ?`,
		uploadID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list parts: %w", err)
	}
	defer rows.Close()
	var out []partRow
	for rows.Next() {
		var p partRow
		var crc, mod int64
		if err := rows.Scan(&p.PartNumber, &p.rel, &p.Size, &p.ETag, &crc, &mod); err != nil {
			return nil, fmt.Errorf("list parts: %w", err)
		}
		p.CRC64 = uint64(crc)
		p.LastModified = time.Unix(0, mod).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// CompleteUpload concatenates the chosen parts into a new blob and commits it
// as the object. The ETag follows OSS: upper-case hex MD5 of the parts' binary
// MD5s, "-", the part count.
func (b *Backend) CompleteUpload(ctx context.Context, bucket, key, uploadID string, want []storage.CompletePart) (storage.ObjectInfo, error) {
	up, err := b.upload(ctx, b.rdb, bucket, key, uploadID)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	have, err := b.parts(ctx, b.rdb, uploadID, 0, storage.MaxPartNumber+1)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	part := func(p partRow) storage.Part { return p.Part }
	chosen, err := storage.ChooseParts(want, have, part)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	bl, err := b.concat(ctx, bucket, chosen)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	info := storage.ObjectInfo{
		Bucket: bucket, Key: key, Size: bl.size, ETag: storage.MultipartETag(chosen, part), CRC64: bl.crc64,
		LastModified: time.Now().UTC(), ContentType: up.opts.ContentType,
		UserMeta: up.opts.UserMeta, Headers: up.opts.Headers, PartCount: len(chosen),
	}
	if err := b.commitObject(ctx, info, bl.rel); err != nil {
		b.removeBlob(bl.rel)
		return storage.ObjectInfo{}, err
	}
	b.dropUpload(ctx, uploadID)
	return info, nil
}

// concat streams parts into a new blob. Its md5 field stays empty: the
// object's ETag is derived from the parts' (storage.MultipartETag).
func (b *Backend) concat(ctx context.Context, bucket string, parts []partRow) (blob, error) {
	c := crc64.New(crcTable)
	var total int64
	rel, err := b.storeBlob(bucket, "c-*", func(tmp io.Writer) error {
		for _, p := range parts {
			f, err := os.Open(b.abs(p.rel))
			if err != nil {
				return fmt.Errorf("open part %d: %w", p.PartNumber, err)
			}
			n, err := copyHashed(ctx, tmp, f, c)
			f.Close()
			if err != nil {
				return fmt.Errorf("copy part %d: %w", p.PartNumber, err)
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return blob{}, err
	}
	return blob{rel: rel, size: total, crc64: c.Sum64()}, nil
}

// dropUpload deletes an upload's rows and part blobs.
func (b *Backend) dropUpload(ctx context.Context, uploadID string) {
	parts, _ := b.parts(ctx, b.wdb, uploadID, 0, storage.MaxPartNumber+1)
	b.wdb.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, uploadID)
	for _, p := range parts {
		b.removeBlob(p.rel)
	}
}

// AbortUpload discards an upload and its parts.
func (b *Backend) AbortUpload(ctx context.Context, bucket, key, uploadID string) error {
	if _, err := b.upload(ctx, b.rdb, bucket, key, uploadID); err != nil {
		return err
	}
	b.dropUpload(ctx, uploadID)
	return nil
}

// ListParts returns a page of an upload's parts by number.
func (b *Backend) ListParts(ctx context.Context, bucket, key, uploadID string, opts storage.PartListOptions) (storage.PartPage, error) {
	if _, err := b.upload(ctx, b.rdb, bucket, key, uploadID); err != nil {
		return storage.PartPage{}, err
	}
	maxParts := opts.PageSize()
	rows, err := b.parts(ctx, b.rdb, uploadID, opts.PartNumberMarker, maxParts+1)
	if err != nil {
		return storage.PartPage{}, err
	}
	var page storage.PartPage
	if len(rows) > maxParts {
		rows, page.IsTruncated = rows[:maxParts], true
	}
	for _, r := range rows {
		page.Parts = append(page.Parts, r.Part)
		page.NextPartNumberMarker = r.PartNumber
	}
	return page, nil
}
