package local

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
)

// TestOpenSweepsOrphanBlobs: blobs no row references (a crash between the
// rename into blobs/ and the index commit) are removed at the next Open;
// referenced object and part blobs stay, and so does a blob written after
// the sweep began (a write in flight, about to commit its row).
func TestOpenSweepsOrphanBlobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	b, err := Open(ctx, Config{Dir: dir, NoSync: true})
	require.NoError(t, err)
	require.NoError(t, b.CreateBucket(ctx, "media"))
	_, err = b.PutObject(ctx, "media", "kept.mp4", strings.NewReader("object"), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	upload, err := b.InitiateUpload(ctx, "media", "big.mp4", storage.PutOptions{})
	require.NoError(t, err)
	_, err = b.UploadPart(ctx, "media", "big.mp4", upload.UploadID, 1, strings.NewReader("part"), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	require.NoError(t, b.Close())

	old := time.Now().Add(-time.Hour)
	orphan := func(bucket string) string {
		p := filepath.Join(dir, blobRel(bucket, newID()))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("orphan"), 0o644))
		require.NoError(t, os.Chtimes(p, old, old))
		return p
	}
	orphans := []string{orphan("media"), orphan("media"), orphan("gone-bucket")}
	before := blobFiles(t, dir)

	b, err = Open(ctx, Config{Dir: dir, NoSync: true})
	require.NoError(t, err)
	defer b.Close()
	inFlight := filepath.Join(dir, blobRel("media", newID()))
	require.NoError(t, os.MkdirAll(filepath.Dir(inFlight), 0o755))
	require.NoError(t, os.WriteFile(inFlight, []byte("being committed"), 0o644))
	<-b.swept

	after := blobFiles(t, dir)
	for _, p := range orphans {
		require.NotContains(t, after, p)
	}
	require.Contains(t, after, inFlight)
	require.Len(t, after, len(before)-len(orphans)+1, "only the orphans went")
	o, err := b.GetObject(ctx, "media", "kept.mp4")
	require.NoError(t, err)
	o.Close()
	parts, err := b.ListParts(ctx, "media", "big.mp4", upload.UploadID, storage.PartListOptions{})
	require.NoError(t, err)
	require.Len(t, parts.Parts, 1)
	_, err = b.CompleteUpload(ctx, "media", "big.mp4", upload.UploadID, []storage.CompletePart{{PartNumber: 1, ETag: parts.Parts[0].ETag}})
	require.NoError(t, err, "the part's blob is still there")
}

// blobFiles lists every file under blobs/.
func blobFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(filepath.Join(dir, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	}))
	return out
}
