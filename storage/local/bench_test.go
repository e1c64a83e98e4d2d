package local

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
)

const benchKeys = 100_000

// seedIndex inserts n index rows in one transaction. Listing reads only the
// index, so rows sharing one blob measure exactly what a listing costs.
func seedIndex(b *testing.B, be *Backend, bucket string, n int) {
	ctx := context.Background()
	require.NoError(b, be.CreateBucket(ctx, bucket))
	tx, err := be.wdb.BeginTx(ctx, nil)
	require.NoError(b, err)
	st, err := tx.PrepareContext(ctx, `INSERT INTO objects(bucket, key, blob, size, etag, crc64, modified, ctype, meta, headers, parts)
		VALUES(?, ?, 'blobs/x', 1, 'E', 0, ?, 'text/plain', 'null', 'null', 0)`)
	require.NoError(b, err)
	now := time.Now().UnixNano()
	for i := range n {
		// 100 "directories" of 1,000 files: realistic for media libraries.
		_, err := st.ExecContext(ctx, bucket, fmt.Sprintf("videos/%03d/clip-%06d.mp4", i%100, i), now)
		require.NoError(b, err)
	}
	require.NoError(b, st.Close())
	require.NoError(b, tx.Commit())
}

// fullScanPage is the reference: what a listing that walks every key for
// each page costs (a directory walk is slower still).
func fullScanPage(ctx context.Context, be *Backend, bucket string, o storage.ListOptions) (int, error) {
	rows, err := be.rdb.QueryContext(ctx, `SELECT key FROM objects WHERE bucket = ? ORDER BY key`, bucket)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	seen := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return 0, err
		}
		if k <= o.Marker || !strings.HasPrefix(k, o.Prefix) {
			continue
		}
		if cp := storage.CommonPrefix(k, o.Prefix, o.Delimiter); cp != "" {
			if seen[cp] {
				continue
			}
			seen[cp] = true
		}
		if n < o.MaxKeys {
			n++
		}
	}
	return n, rows.Err()
}

// BenchmarkList100k lists 1,000-key pages from a 100,000-key bucket and
// reports the speed-up over the full-scan reference measured in the same run.
func BenchmarkList100k(b *testing.B) {
	be := open(b, b.TempDir())
	seedIndex(b, be, "bench", benchKeys)
	ctx := context.Background()
	cases := []storage.ListOptions{
		{MaxKeys: 1000, Marker: "videos/050/clip-000000.mp4"},
		{MaxKeys: 1000, Prefix: "videos/", Delimiter: "/"},
		{MaxKeys: 1000, Prefix: "videos/099/"},
	}
	for _, o := range cases {
		b.Run(fmt.Sprintf("prefix=%q,delim=%q,marker=%q", o.Prefix, o.Delimiter, o.Marker), func(b *testing.B) {
			var idx, ref time.Duration
			for b.Loop() {
				start := time.Now()
				page, err := be.ListObjects(ctx, "bench", o)
				idx += time.Since(start)
				require.NoError(b, err)
				require.NotZero(b, len(page.Objects)+len(page.CommonPrefixes))
				start = time.Now()
				_, err = fullScanPage(ctx, be, "bench", o)
				ref += time.Since(start)
				require.NoError(b, err)
			}
			b.ReportMetric(float64(idx.Microseconds())/float64(b.N), "µs/page")
			b.ReportMetric(float64(ref.Microseconds())/float64(b.N), "ref-µs/page")
			b.ReportMetric(float64(ref)/float64(idx), "x-faster-than-full-scan")
		})
	}
}

// BenchmarkPutObject measures small-object writes with fsync (the default).
func BenchmarkPutObject(b *testing.B) {
	be, err := Open(context.Background(), Config{Dir: b.TempDir()})
	require.NoError(b, err)
	defer be.Close()
	ctx := context.Background()
	require.NoError(b, be.CreateBucket(ctx, "bench"))
	i := 0
	for b.Loop() {
		_, err := be.PutObject(ctx, "bench", fmt.Sprintf("k%08d", i), strings.NewReader("small body"), storage.PutOptions{Size: -1})
		require.NoError(b, err)
		i++
	}
}
