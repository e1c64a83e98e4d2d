// Package local is ossemu's filesystem storage backend.
//
// Layout under the data directory:
//
//	index.db                 SQLite (WAL): buckets, objects, uploads, parts
//	blobs/<bucket>/<xx>/<id> object and part bodies, named by random ids
//	tmp/                     files being written; renamed into blobs/ when whole
//
// Object keys never become file names: a key is a row in index.db that points
// at a blob with a random name. So no key ("..", "/x", NUL, a 1023-byte name,
// a name ending in ".meta") can touch anything outside the blob directory or
// collide with the backend's own files, and the sorted primary key of the
// objects table serves every listing page with one index range scan instead
// of a directory walk.
//
// A write streams the body into tmp/, fsyncs it, renames it into blobs/ and
// only then commits the index row that makes it visible, so a crash never
// exposes a half-written object. It may leave an orphan blob, which the
// sweep Open starts removes (sweep.go). Readers get the old object or the
// whole new one.
package local

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/ossemu/ossemu/storage"
)

// Config configures the backend.
type Config struct {
	// Dir is the data directory; it is created if missing.
	Dir string
	// NoSync skips fsync on blobs and the index. Only for tests and
	// benchmarks: a crash may then lose recent writes.
	NoSync bool
	// Logger receives the start-up sweep's report; nil discards it.
	Logger *slog.Logger
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.Dir == "" {
		return errors.New("local storage: data directory is empty")
	}
	return nil
}

// Backend stores objects in a local directory. It implements storage.Backend,
// storage.Multipart and storage.LocalPather.
type Backend struct {
	cfg Config
	// wdb has a single connection: SQLite allows one writer, and queuing
	// writers in Go avoids SQLITE_BUSY. rdb serves concurrent readers (WAL).
	wdb *sql.DB
	rdb *sql.DB
	// The orphan sweep Open starts (sweep.go): stopSweep cancels it, swept
	// is closed when it has ended.
	stopSweep context.CancelFunc
	swept     chan struct{}
}

var (
	_ storage.Backend     = (*Backend)(nil)
	_ storage.Multipart   = (*Backend)(nil)
	_ storage.LocalPather = (*Backend)(nil)
)

// Open opens (creating if needed) the backend in cfg.Dir.
func Open(ctx context.Context, cfg Config) (*Backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// Blobs written from here on are not the sweep's to judge; the margin
	// covers file systems whose timestamps run on a coarser clock.
	sweepBefore := time.Now().Add(-time.Second)
	for _, d := range []string{cfg.Dir, filepath.Join(cfg.Dir, "blobs"), filepath.Join(cfg.Dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("local storage: %w", err)
		}
	}
	sync := "FULL"
	if cfg.NoSync {
		sync = "OFF"
	}
	dsn := "file:" + url.PathEscape(filepath.Join(cfg.Dir, "index.db")) +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=synchronous(" + sync + ")"
	wdb, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("local storage: open index: %w", err)
	}
	wdb.SetMaxOpenConns(1)
	b := &Backend{cfg: cfg, wdb: wdb}
	if err := b.migrate(ctx); err != nil {
		wdb.Close()
		return nil, err
	}
	rdb, err := sql.Open("sqlite", dsn+"&mode=ro")
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("local storage: open index: %w", err)
	}
	rdb.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	b.rdb = rdb
	// Leftovers in tmp/ are writes a crash interrupted; they were never visible.
	if ents, err := os.ReadDir(filepath.Join(cfg.Dir, "tmp")); err == nil {
		for _, e := range ents {
			os.Remove(filepath.Join(cfg.Dir, "tmp", e.Name()))
		}
	}
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	b.stopSweep, b.swept = stop, make(chan struct{})
	go func() {
		defer close(b.swept)
		n, err := b.sweepOrphans(sctx, sweepBefore)
		switch {
		case err != nil && sctx.Err() == nil:
			cfg.Logger.Warn("local storage: sweeping orphan blobs", "removed", n, "err", err)
		case n > 0:
			cfg.Logger.Info("local storage: removed orphan blobs a crash left behind", "removed", n)
		}
	}()
	return b, nil
}

// Close stops the orphan sweep and releases the index.
func (b *Backend) Close() error {
	b.stopSweep()
	<-b.swept
	return errors.Join(b.rdb.Close(), b.wdb.Close())
}

func (b *Backend) migrate(ctx context.Context) error {
	_, err := b.wdb.ExecContext(ctx, schema)
	if err != nil {
		return fmt.Errorf("local storage: create schema: %w", err)
	}
	return nil
}

// Keys are TEXT compared with SQLite's default BINARY collation (memcmp), which
// is the byte order OSS lists in.
const schema = `
CREATE TABLE IF NOT EXISTS buckets (
	name    TEXT PRIMARY KEY,
	created INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS objects (
	bucket   TEXT NOT NULL REFERENCES buckets(name),
	key      TEXT NOT NULL,
	blob     TEXT NOT NULL,
	size     INTEGER NOT NULL,
	etag     TEXT NOT NULL,
	crc64    INTEGER NOT NULL,
	modified INTEGER NOT NULL,
	ctype    TEXT NOT NULL,
	meta     TEXT NOT NULL,
	headers  TEXT NOT NULL,
	parts    INTEGER NOT NULL,
	PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads (
	id        TEXT PRIMARY KEY,
	bucket    TEXT NOT NULL REFERENCES buckets(name),
	key       TEXT NOT NULL,
	initiated INTEGER NOT NULL,
	ctype     TEXT NOT NULL,
	meta      TEXT NOT NULL,
	headers   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads(bucket, key, id);
CREATE TABLE IF NOT EXISTS parts (
	upload   TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
	number   INTEGER NOT NULL,
	blob     TEXT NOT NULL,
	size     INTEGER NOT NULL,
	etag     TEXT NOT NULL,
	crc64    INTEGER NOT NULL,
	modified INTEGER NOT NULL,
	PRIMARY KEY (upload, number)
) WITHOUT ROWID;
`

// newID returns 32 random hex characters.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// blobRel returns the blob path relative to Dir for a new blob in bucket.
// Bucket names are validated (lower-case letters, digits, hyphens) before
// any blob is written, so they are safe as directory names.
func blobRel(bucket, id string) string {
	return filepath.Join("blobs", bucket, id[:2], id)
}

func (b *Backend) abs(rel string) string { return filepath.Join(b.cfg.Dir, rel) }

// removeBlob deletes a blob whose index row is gone. Open readers keep their
// file descriptor, so this never breaks a GetObject in flight.
func (b *Backend) removeBlob(rel string) {
	if rel != "" {
		os.Remove(b.abs(rel))
	}
}
