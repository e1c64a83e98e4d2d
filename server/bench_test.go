package server_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// zeroReader yields n zero bytes without holding them in memory.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), z.n)
	clear(p[:k])
	z.n -= k
	return int(k), nil
}

// BenchmarkStreamLargeObject PUTs and GETs a 256 MiB object through the HTTP
// server and reports heap bytes allocated per byte moved (flat memory means
// this stays far below 1) and throughput relative to writing the same bytes
// straight to a file (the reference, measured in the same run).
func BenchmarkStreamLargeObject(b *testing.B) {
	const size = 256 << 20
	e := newEnv(b, "big")
	b.SetBytes(2 * size)
	var ms0, ms1 runtime.MemStats
	var took, ref time.Duration
	for b.Loop() {
		start := time.Now()
		f, err := os.Create(filepath.Join(e.Dir, "reference"))
		require.NoError(b, err)
		_, err = io.Copy(f, &zeroReader{size})
		require.NoError(b, err)
		require.NoError(b, f.Close())
		ref += time.Since(start)

		runtime.ReadMemStats(&ms0)
		start = time.Now()
		req, err := http.NewRequest("PUT", e.URL+"/big/video.bin", &zeroReader{size})
		require.NoError(b, err)
		req.ContentLength = size
		signV1(req, "big", "video.bin")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(b, err)
		resp.Body.Close()
		require.Equal(b, 200, resp.StatusCode)
		req, _ = http.NewRequest("GET", e.URL+"/big/video.bin", nil)
		signV1(req, "big", "video.bin")
		resp, err = http.DefaultClient.Do(req)
		require.NoError(b, err)
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.NoError(b, err)
		require.Equal(b, int64(size), n)
		took += time.Since(start)
		runtime.ReadMemStats(&ms1)
	}
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/(2*size), "alloc-bytes/byte")
	b.ReportMetric(float64(took)/float64(2*ref), "x-slower-than-raw-file-write")
}
