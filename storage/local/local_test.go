package local

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/storagetest"
)

func open(t testing.TB, dir string) *Backend {
	b, err := Open(context.Background(), Config{Dir: dir, NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return b
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Backend { return open(t, t.TempDir()) })
}

// Every file the backend creates stays inside the data directory whatever
// the keys, and no key becomes a file name.
func TestFilesStayInDataDir(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	b := open(t, dir)
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "safe"))
	for _, k := range []string{"../../outside", "a/../../../x", "/abs"} {
		_, err := b.PutObject(ctx, "safe", k, strings.NewReader("x"), storage.PutOptions{Size: -1})
		require.Error(t, err)
	}
	for _, k := range []string{"x.meta", "..a", "a/.../b", "index.db"} {
		_, err := b.PutObject(ctx, "safe", k, strings.NewReader("x"), storage.PutOptions{Size: -1})
		require.NoError(t, err)
	}
	ents, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, ents, 1)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		require.NotContains(t, d.Name(), ".meta")
		require.NotContains(t, d.Name(), "...")
		return nil
	})
	require.NoError(t, err)
}

// State survives a reopen, and leftovers of interrupted writes are cleaned.
func TestReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := Open(context.Background(), Config{Dir: dir})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "keep"))
	_, err = b.PutObject(ctx, "keep", "k", strings.NewReader("durable"), storage.PutOptions{Size: 7})
	require.NoError(t, err)
	require.NoError(t, b.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tmp", "w-crashed"), []byte("half"), 0o644))

	b2 := open(t, dir)
	info, err := b2.StatObject(ctx, "keep", "k")
	require.NoError(t, err)
	require.Equal(t, int64(7), info.Size)
	_, err = os.Stat(filepath.Join(dir, "tmp", "w-crashed"))
	require.ErrorIs(t, err, fs.ErrNotExist)
}

// No blob outlives its index row: overwrites, deletes, failed writes,
// completed and aborted uploads leave exactly one blob per object.
func TestNoOrphanBlobs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := open(t, dir)
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "gcb"))
	put := func(k, v string) {
		_, err := b.PutObject(ctx, "gcb", k, strings.NewReader(v), storage.PutOptions{Size: -1})
		require.NoError(t, err)
	}
	put("a", "1")
	put("a", "2")
	put("b", "1")
	require.NoError(t, b.DeleteObject(ctx, "gcb", "b"))
	_, err := b.PutObject(ctx, "gcb", "c", strings.NewReader("short"), storage.PutOptions{Size: 99})
	require.Error(t, err)
	up, err := b.InitiateUpload(ctx, "gcb", "m", storage.PutOptions{})
	require.NoError(t, err)
	p1, err := b.UploadPart(ctx, "gcb", "m", up.UploadID, 1, strings.NewReader("x"), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	_, err = b.UploadPart(ctx, "gcb", "m", up.UploadID, 1, strings.NewReader("y"), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	p1, err = b.UploadPart(ctx, "gcb", "m", up.UploadID, 1, strings.NewReader("x"), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	_, err = b.CompleteUpload(ctx, "gcb", "m", up.UploadID, []storage.CompletePart{{PartNumber: 1, ETag: p1.ETag}})
	require.NoError(t, err)
	up2, err := b.InitiateUpload(ctx, "gcb", "n", storage.PutOptions{})
	require.NoError(t, err)
	_, err = b.UploadPart(ctx, "gcb", "n", up2.UploadID, 1, strings.NewReader("z"), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	require.NoError(t, b.AbortUpload(ctx, "gcb", "n", up2.UploadID))

	blobs := 0
	require.NoError(t, filepath.WalkDir(filepath.Join(dir, "blobs"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			blobs++
		}
		return err
	}))
	require.Equal(t, 2, blobs, "objects a and m")
	tmp, err := os.ReadDir(filepath.Join(dir, "tmp"))
	require.NoError(t, err)
	require.Empty(t, tmp)
}

// Data directories with spaces and URI-special characters work: the index
// DSN escapes the path.
func TestOddDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "my data #1 %20 ?x")
	b, err := Open(context.Background(), Config{Dir: dir, NoSync: true})
	require.NoError(t, err)
	require.NoError(t, b.CreateBucket(context.Background(), "abc"))
	require.NoError(t, b.Close())
	_, err = os.Stat(filepath.Join(dir, "index.db"))
	require.NoError(t, err)
}
