package server_test

import (
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// randomFile writes size random bytes to a temp file, the input of the
// SDKs' file uploaders, and returns its path and content.
func randomFile(t *testing.T, size int) (string, []byte) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "big.bin")
	payload := make([]byte, size)
	rand.Read(payload)
	require.NoError(t, os.WriteFile(src, payload, 0o644))
	return src, payload
}

// presignedGet fetches a presigned URL with no other credentials, requires
// 200 and returns the body.
func presignedGet(t *testing.T, hc *http.Client, url string) string {
	t.Helper()
	resp, err := hc.Get(url)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	return string(data)
}
