package local

import (
	"context"
	"fmt"
	"time"

	"github.com/ossemu/ossemu/storage"
)

var _ storage.Batcher = (*Backend)(nil)

// PutObjects stores every body of the batch as a blob, then commits all
// their index rows in one SQLite transaction: readers (who only ever find
// blobs through the index) see none of the objects or all of them, and a
// crash before the commit leaves only orphan blobs, which the next Open
// sweeps. On any error nothing becomes visible.
func (b *Backend) PutObjects(ctx context.Context, puts []storage.BatchPut) ([]storage.ObjectInfo, error) {
	for _, p := range puts {
		if err := storage.ValidateObjectKey(p.Key); err != nil {
			return nil, err
		}
		if err := bucketExists(ctx, b.rdb, p.Bucket); err != nil {
			return nil, err
		}
	}
	infos := make([]storage.ObjectInfo, 0, len(puts))
	rels := make([]string, 0, len(puts))
	committed := false
	defer func() {
		if !committed {
			for _, rel := range rels {
				b.removeBlob(rel)
			}
		}
	}()
	for _, p := range puts {
		bl, err := b.writeBatchBlob(ctx, p)
		if err != nil {
			return nil, err
		}
		rels = append(rels, bl.rel)
		infos = append(infos, storage.ObjectInfo{
			Bucket: p.Bucket, Key: p.Key, Size: bl.size, ETag: bl.etag(), CRC64: bl.crc64,
			LastModified: time.Now().UTC(), ContentType: p.Opts.ContentType,
			UserMeta: p.Opts.UserMeta, Headers: p.Opts.Headers,
		})
	}
	tx, err := b.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("commit batch: %w", err)
	}
	defer tx.Rollback()
	var replaced []string
	for i, info := range infos {
		old, err := upsertObject(ctx, tx, info, rels[i])
		if err != nil {
			return nil, err
		}
		replaced = append(replaced, old)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit batch: %w", err)
	}
	committed = true
	for _, old := range replaced {
		// A key written twice in the batch replaced its own earlier blob,
		// which is therefore among these too.
		b.removeBlob(old)
	}
	return infos, nil
}

// writeBatchBlob opens one body of a batch and stores it as a blob.
func (b *Backend) writeBatchBlob(ctx context.Context, p storage.BatchPut) (blob, error) {
	rc, err := p.Open()
	if err != nil {
		return blob{}, fmt.Errorf("open body of %s: %w", p.Key, err)
	}
	defer rc.Close()
	return b.writeBlob(ctx, p.Bucket, rc, p.Opts)
}
