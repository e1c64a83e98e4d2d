// Package storagetest is the conformance suite every storage.Backend runs:
// the behaviour the server relies on (typed errors, atomic replace, listing
// order and paging, multipart assembly), checked against a simple model.
package storagetest

import (
	"bytes"
	"context"
	"crypto/md5"
	"hash/crc64"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// Factory returns a fresh, empty backend for one subtest.
type Factory func(t *testing.T) storage.Backend

// Run runs the whole suite against backends made by newBackend.
func Run(t *testing.T, newBackend Factory) {
	t.Run("Buckets", func(t *testing.T) { t.Parallel(); testBuckets(t, newBackend(t)) })
	t.Run("Objects", func(t *testing.T) { t.Parallel(); testObjects(t, newBackend(t)) })
	t.Run("BadBodies", func(t *testing.T) { t.Parallel(); testBadBodies(t, newBackend(t)) })
	t.Run("HostileKeys", func(t *testing.T) { t.Parallel(); testHostileKeys(t, newBackend(t)) })
	t.Run("List", func(t *testing.T) { t.Parallel(); testList(t, newBackend(t)) })
	t.Run("ListRandom", func(t *testing.T) { t.Parallel(); testListRandom(t, newBackend(t)) })
	t.Run("Multipart", func(t *testing.T) { t.Parallel(); testMultipart(t, newBackend(t)) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testConcurrent(t, newBackend(t)) })
	t.Run("LocalPath", func(t *testing.T) { t.Parallel(); testLocalPath(t, newBackend(t)) })
}

func requireCode(t *testing.T, err error, c osserr.Code) {
	t.Helper()
	require.Error(t, err)
	require.Truef(t, osserr.Is(err, c), "want %s, got %v", c.Name, err)
}

func put(t *testing.T, b storage.Backend, bucket, key, body string) storage.ObjectInfo {
	t.Helper()
	info, err := b.PutObject(context.Background(), bucket, key, strings.NewReader(body), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	return info
}

func get(t *testing.T, b storage.Backend, bucket, key string) string {
	t.Helper()
	o, err := b.GetObject(context.Background(), bucket, key)
	require.NoError(t, err)
	defer o.Close()
	data, err := io.ReadAll(o)
	require.NoError(t, err)
	return string(data)
}

func testBuckets(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "bk-one"))
	require.NoError(t, b.CreateBucket(ctx, "bk-two"))
	requireCode(t, b.CreateBucket(ctx, "bk-one"), osserr.BucketAlreadyExists)
	requireCode(t, b.CreateBucket(ctx, "Bad_Name"), osserr.InvalidBucketName)
	list, err := b.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "bk-one", list[0].Name)
	require.False(t, list[0].Created.IsZero())
	_, err = b.StatBucket(ctx, "nope-bucket")
	requireCode(t, err, osserr.NoSuchBucket)

	put(t, b, "bk-one", "k", "v")
	requireCode(t, b.DeleteBucket(ctx, "bk-one"), osserr.BucketNotEmpty)
	require.NoError(t, b.DeleteObject(ctx, "bk-one", "k"))
	require.NoError(t, b.DeleteBucket(ctx, "bk-one"))
	requireCode(t, b.DeleteBucket(ctx, "bk-one"), osserr.NoSuchBucket)
	_, err = b.PutObject(ctx, "bk-one", "k", strings.NewReader("v"), storage.PutOptions{Size: -1})
	requireCode(t, err, osserr.NoSuchBucket)
}

func testObjects(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "objs"))
	body := "hello, object"
	sum := md5.Sum([]byte(body))
	info, err := b.PutObject(ctx, "objs", "dir/a b+c.txt", strings.NewReader(body), storage.PutOptions{
		ContentType: "text/plain", UserMeta: map[string]string{"author": "alice"},
		Headers: map[string]string{"Cache-Control": "no-cache"}, ContentMD5: sum[:], Size: int64(len(body)),
	})
	require.NoError(t, err)
	require.Equal(t, int64(len(body)), info.Size)
	require.Equal(t, strings.ToUpper(string(hexOf(sum[:]))), info.ETag)
	require.Equal(t, crc64.Checksum([]byte(body), crc64.MakeTable(crc64.ECMA)), info.CRC64)

	st, err := b.StatObject(ctx, "objs", "dir/a b+c.txt")
	require.NoError(t, err)
	require.Equal(t, info.ETag, st.ETag)
	require.Equal(t, info.CRC64, st.CRC64)
	require.Equal(t, "text/plain", st.ContentType)
	require.Equal(t, "alice", st.UserMeta["author"])
	require.Equal(t, "no-cache", st.Headers["Cache-Control"])
	require.Equal(t, body, get(t, b, "objs", "dir/a b+c.txt"))

	// Seekable reads.
	o, err := b.GetObject(ctx, "objs", "dir/a b+c.txt")
	require.NoError(t, err)
	_, err = o.Seek(7, io.SeekStart)
	require.NoError(t, err)
	rest, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, "object", string(rest))
	require.Equal(t, info.ETag, o.Info().ETag)

	// An open reader keeps the old content across an overwrite and a delete.
	put(t, b, "objs", "dir/a b+c.txt", "second version")
	require.Equal(t, "second version", get(t, b, "objs", "dir/a b+c.txt"))
	_, err = o.Seek(0, io.SeekStart)
	require.NoError(t, err)
	old, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, body, string(old))
	require.NoError(t, o.Close())

	require.NoError(t, b.DeleteObject(ctx, "objs", "dir/a b+c.txt"))
	requireCode(t, b.DeleteObject(ctx, "objs", "dir/a b+c.txt"), osserr.NoSuchKey)
	_, err = b.GetObject(ctx, "objs", "dir/a b+c.txt")
	requireCode(t, err, osserr.NoSuchKey)
	_, err = b.StatObject(ctx, "nobucket", "x")
	requireCode(t, err, osserr.NoSuchBucket)

	empty := put(t, b, "objs", "empty", "")
	require.Equal(t, int64(0), empty.Size)
	require.Equal(t, "D41D8CD98F00B204E9800998ECF8427E", empty.ETag)
}

func hexOf(b []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return out
}

// errReader fails after some bytes, like a client that disconnects.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

func testBadBodies(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "bodies"))
	wrong := md5.Sum([]byte("something else"))
	cases := []struct {
		name string
		body io.Reader
		opts storage.PutOptions
		code osserr.Code
	}{
		{"bad md5", strings.NewReader("data"), storage.PutOptions{ContentMD5: wrong[:], Size: 4}, osserr.BadDigest},
		{"short body", strings.NewReader("da"), storage.PutOptions{Size: 4}, osserr.IncompleteBody},
		{"long body", strings.NewReader("data-data"), storage.PutOptions{Size: 4}, osserr.IncompleteBody},
		{"disconnect", &errReader{strings.NewReader("da"), io.ErrUnexpectedEOF}, storage.PutOptions{Size: 4}, osserr.IncompleteBody},
	}
	for _, c := range cases {
		_, err := b.PutObject(ctx, "bodies", "k", c.body, c.opts)
		requireCode(t, err, c.code)
		_, err = b.StatObject(ctx, "bodies", "k")
		requireCode(t, err, osserr.NoSuchKey)
	}
	// A failed overwrite leaves the old object intact.
	put(t, b, "bodies", "k", "original")
	_, err := b.PutObject(ctx, "bodies", "k", strings.NewReader("x"), storage.PutOptions{ContentMD5: wrong[:], Size: -1})
	requireCode(t, err, osserr.BadDigest)
	require.Equal(t, "original", get(t, b, "bodies", "k"))
}

func testHostileKeys(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "hostile"))
	refused := []string{"", "/etc/passwd", "../escape", "a/../../b", "a/..", "nul\x00byte", "\\win", strings.Repeat("k", 1024), "bad\xffutf8"}
	for _, k := range refused {
		_, err := b.PutObject(ctx, "hostile", k, strings.NewReader("x"), storage.PutOptions{Size: -1})
		requireCode(t, err, osserr.InvalidObjectName)
	}
	// Names that look like files a backend might keep for itself are
	// ordinary keys and round-trip.
	stored := []string{"x.meta", ".meta", "index.db", "tmp/w-1", "a/./b", "...", "a//b", "dir/", strings.Repeat("k", 1023), "中文/ключ 🙂", "%2F..%2F"}
	for _, k := range stored {
		put(t, b, "hostile", k, "v:"+k)
	}
	for _, k := range stored {
		require.Equal(t, "v:"+k, get(t, b, "hostile", k))
	}
	page, err := b.ListObjects(ctx, "hostile", storage.ListOptions{MaxKeys: 1000})
	require.NoError(t, err)
	require.Len(t, page.Objects, len(stored))
}

func testLocalPath(t *testing.T, b storage.Backend) {
	lp, ok := b.(storage.LocalPather)
	if !ok {
		t.Skip("backend keeps no local files")
	}
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "paths"))
	put(t, b, "paths", "v/clip.mp4", "not really a video")
	p, err := lp.LocalPath(ctx, "paths", "v/clip.mp4")
	require.NoError(t, err)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	require.True(t, bytes.Equal([]byte("not really a video"), data))
	_, err = lp.LocalPath(ctx, "paths", "missing")
	requireCode(t, err, osserr.NoSuchKey)
}
