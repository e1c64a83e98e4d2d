package files_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/files"
)

func newStore(t *testing.T) (*files.Backend, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	objects := map[string]string{
		"a.mp4":       write("a.mp4", "aaaa"),
		"clips/b.mp4": write("b.mp4", "bb"),
		"clips/c.mp4": write("c", "c"),
		"gone.mp4":    filepath.Join(dir, "missing"),
		"dir.mp4":     dir,
	}
	return files.New("local", objects), objects
}

func TestReads(t *testing.T) {
	t.Parallel()
	s, objects := newStore(t)
	ctx := context.Background()

	info, err := s.StatObject(ctx, "local", "clips/b.mp4")
	require.NoError(t, err)
	require.Equal(t, int64(2), info.Size)
	p, err := s.LocalPath(ctx, "local", "a.mp4")
	require.NoError(t, err)
	require.Equal(t, objects["a.mp4"], p)

	o, err := s.GetObject(ctx, "local", "a.mp4")
	require.NoError(t, err)
	body, err := io.ReadAll(o)
	require.NoError(t, err)
	require.NoError(t, o.Close())
	require.Equal(t, "aaaa", string(body))
	require.Equal(t, int64(4), o.Info().Size)

	for _, tc := range []struct {
		bucket, key string
		code        osserr.Code
	}{
		{"local", "nope.mp4", osserr.NoSuchKey},
		{"local", "gone.mp4", osserr.NoSuchKey},
		{"local", "dir.mp4", osserr.NoSuchKey},
		{"other", "a.mp4", osserr.NoSuchBucket},
	} {
		_, err := s.StatObject(ctx, tc.bucket, tc.key)
		require.True(t, osserr.Is(err, tc.code), "%s/%s: %v", tc.bucket, tc.key, err)
		_, err = s.GetObject(ctx, tc.bucket, tc.key)
		require.True(t, osserr.Is(err, tc.code), "%s/%s: %v", tc.bucket, tc.key, err)
		_, err = s.LocalPath(ctx, tc.bucket, tc.key)
		require.True(t, osserr.Is(err, tc.code), "%s/%s: %v", tc.bucket, tc.key, err)
	}
}

func TestWritesRefused(t *testing.T) {
	t.Parallel()
	s, objects := newStore(t)
	ctx := context.Background()
	for name, err := range map[string]error{
		"put": func() error {
			_, err := s.PutObject(ctx, "local", "a.mp4", strings.NewReader("x"), storage.PutOptions{})
			return err
		}(),
		"delete":        s.DeleteObject(ctx, "local", "a.mp4"),
		"create bucket": s.CreateBucket(ctx, "new"),
		"delete bucket": s.DeleteBucket(ctx, "local"),
	} {
		require.True(t, osserr.Is(err, osserr.AccessDenied), "%s: %v", name, err)
	}
	body, err := os.ReadFile(objects["a.mp4"])
	require.NoError(t, err)
	require.Equal(t, "aaaa", string(body), "the file is untouched")
}

func TestList(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	keys := func(p storage.ListPage) []string {
		var out []string
		for _, o := range p.Objects {
			out = append(out, o.Key)
		}
		return out
	}
	all, err := s.ListObjects(ctx, "local", storage.ListOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{"a.mp4", "clips/b.mp4", "clips/c.mp4"}, keys(all), "files that are missing or not regular are not listed")

	top, err := s.ListObjects(ctx, "local", storage.ListOptions{Delimiter: "/"})
	require.NoError(t, err)
	require.Equal(t, []string{"a.mp4"}, keys(top))
	require.Equal(t, []string{"clips/"}, top.CommonPrefixes)

	first, err := s.ListObjects(ctx, "local", storage.ListOptions{Prefix: "clips/", MaxKeys: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"clips/b.mp4"}, keys(first))
	require.True(t, first.IsTruncated)
	rest, err := s.ListObjects(ctx, "local", storage.ListOptions{Prefix: "clips/", Marker: first.NextMarker})
	require.NoError(t, err)
	require.Equal(t, []string{"clips/c.mp4"}, keys(rest))
	require.False(t, rest.IsTruncated)

	buckets, err := s.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, buckets, 1)
	require.Equal(t, "local", buckets[0].Name)
	_, err = s.ListObjects(ctx, "other", storage.ListOptions{})
	require.True(t, osserr.Is(err, osserr.NoSuchBucket))
}
