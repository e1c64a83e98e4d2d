package server_test

import (
	"fmt"
	"hash/crc64"
	"io"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

func TestAppendObjectSDKv1(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "appends")
	client, err := oss.New(e.URL, testAK, testSK)
	require.NoError(t, err)
	b, err := client.Bucket("appends")
	require.NoError(t, err)

	var pos int64
	var whole string
	for _, chunk := range []string{"first,", "second,", "third"} {
		pos, err = b.AppendObject("log.txt", strings.NewReader(chunk), pos, oss.ContentType("text/plain"))
		require.NoError(t, err)
		whole += chunk
		require.Equal(t, int64(len(whole)), pos)
	}
	r, err := b.GetObject("log.txt")
	require.NoError(t, err)
	data, _ := io.ReadAll(r)
	r.Close()
	require.Equal(t, whole, string(data))
	h, err := b.GetObjectDetailedMeta("log.txt")
	require.NoError(t, err)
	require.Equal(t, "Appendable", h.Get("X-Oss-Object-Type"))
	require.Equal(t, "text/plain", h.Get("Content-Type"))
	require.Equal(t, fmt.Sprint(crc64.Checksum([]byte(whole), crc64.MakeTable(crc64.ECMA))), h.Get("X-Oss-Hash-Crc64ecma"))

	_, err = b.AppendObject("log.txt", strings.NewReader("x"), 3)
	requireV1Code(t, err, "PositionNotEqualToLength", 409)
	require.NoError(t, b.PutObject("normal.txt", strings.NewReader("n")))
	_, err = b.AppendObject("normal.txt", strings.NewReader("x"), 1)
	requireV1Code(t, err, "ObjectNotAppendable", 409)

	resp := e.do(t, "POST", "appends", "log.txt", fmt.Sprintf("append&position=%d", len(whole)), strings.NewReader("more"),
		map[string]string{"Content-MD5": md5b64("other")}, "append", fmt.Sprintf("position=%d", len(whole)))
	requireOSSError(t, resp, 400, "BadDigest")
	r, err = b.GetObject("log.txt")
	require.NoError(t, err)
	data, _ = io.ReadAll(r)
	r.Close()
	require.Equal(t, whole, string(data), "a refused append leaves the object unchanged")
}
