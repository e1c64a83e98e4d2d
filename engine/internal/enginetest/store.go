package enginetest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// Bucket is the bucket NewStore fills.
const Bucket = "media"

// DirStore is a minimal read-only test backend over a directory
// (Dir/bucket/key): enough for the engines, which only read objects. It
// does not implement LocalPather, so libav reads it through the custom
// AVIO callbacks, as for every non-local backend.
type DirStore struct{ Dir string }

// PathStore is DirStore that also hands libav local paths, as
// storage/local does.
type PathStore struct{ DirStore }

// LocalPath implements storage.LocalPather.
func (s PathStore) LocalPath(_ context.Context, bucket, key string) (string, error) {
	p := filepath.Join(s.Dir, bucket, key)
	if _, err := os.Stat(p); err != nil {
		return "", osserr.New(osserr.NoSuchKey, "no key %s", key)
	}
	return p, nil
}

// File is an object of DirStore: the open file and its info.
type File struct {
	*os.File
	info storage.ObjectInfo
}

// Info implements storage.Object.
func (f File) Info() storage.ObjectInfo { return f.info }

var errReadOnly = errors.New("test store is read-only")

// CreateBucket and the other writing methods refuse: the store is read-only.
func (s DirStore) CreateBucket(context.Context, string) error { return errReadOnly }

// DeleteBucket refuses.
func (s DirStore) DeleteBucket(context.Context, string) error { return errReadOnly }

// ListBuckets refuses.
func (s DirStore) ListBuckets(context.Context) ([]storage.Bucket, error) { return nil, errReadOnly }

// StatBucket refuses.
func (s DirStore) StatBucket(context.Context, string) (storage.Bucket, error) {
	return storage.Bucket{}, errReadOnly
}

// PutObject refuses.
func (s DirStore) PutObject(context.Context, string, string, io.Reader, storage.PutOptions) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, errReadOnly
}

// DeleteObject refuses.
func (s DirStore) DeleteObject(context.Context, string, string) error { return errReadOnly }

// ListObjects refuses.
func (s DirStore) ListObjects(context.Context, string, storage.ListOptions) (storage.ListPage, error) {
	return storage.ListPage{}, errReadOnly
}

// StatObject reports the file's size; a missing file is NoSuchKey.
func (s DirStore) StatObject(_ context.Context, bucket, key string) (storage.ObjectInfo, error) {
	st, err := os.Stat(filepath.Join(s.Dir, bucket, key))
	if err != nil {
		return storage.ObjectInfo{}, osserr.New(osserr.NoSuchKey, "no key %s", key)
	}
	return storage.ObjectInfo{Bucket: bucket, Key: key, Size: st.Size()}, nil
}

// GetObject opens the file.
func (s DirStore) GetObject(ctx context.Context, bucket, key string) (storage.Object, error) {
	info, err := s.StatObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(s.Dir, bucket, key))
	if err != nil {
		return nil, err
	}
	return File{f, info}, nil
}

// Stores returns both flavours of test backend over dir, by name.
func Stores(dir string) map[string]storage.Backend {
	return map[string]storage.Backend{"avio": DirStore{dir}, "path": PathStore{DirStore{dir}}}
}

// Videos is the repository's testdata/videos directory.
func Videos(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "videos")
}

// NewStore makes a store holding every clip of testdata/videos in bucket
// Bucket under its own name, plus extra files (key → path).
func NewStore(t testing.TB, extra map[string]string) DirStore {
	t.Helper()
	dir := t.TempDir()
	b := filepath.Join(dir, Bucket)
	require.NoError(t, os.MkdirAll(b, 0o755))
	src := Videos(t)
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.Symlink(filepath.Join(src, e.Name()), filepath.Join(b, e.Name())))
	}
	for key, p := range extra {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(b, key)), 0o755))
		require.NoError(t, os.Symlink(p, filepath.Join(b, key)))
	}
	return DirStore{Dir: dir}
}

// Put copies src into dir as bucket/key.
func Put(t testing.TB, dir, bucket, key, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	PutBytes(t, dir, bucket, key, b)
}

// PutBytes writes b into dir as bucket/key.
func PutBytes(t testing.TB, dir, bucket, key string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, bucket, key)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, b, 0o644))
}
