package server_test

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
)

func md5b64(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// requireEmpty asserts the bucket holds no objects.
func (e *env) requireEmpty(t *testing.T, bucket string) {
	t.Helper()
	page, err := e.Store.ListObjects(context.Background(), bucket, storage.ListOptions{MaxKeys: 1000})
	require.NoError(t, err)
	require.Empty(t, page.Objects)
}

func TestBadKeysAndBuckets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "bad")
	for _, key := range []string{"../escape", "a/../../b", "x/..", strings.Repeat("k", 1024)} {
		t.Run("key "+key[:min(len(key), 12)], func(t *testing.T) {
			resp := e.do(t, "PUT", "bad", key, "", strings.NewReader("x"), nil)
			requireOSSError(t, resp, 400, "InvalidObjectName")
		})
	}
	// A key whose path starts with '/' after the bucket: "/bad//abs".
	resp := e.do(t, "PUT", "bad", "/abs", "", strings.NewReader("x"), nil)
	requireOSSError(t, resp, 400, "InvalidObjectName")
	e.requireEmpty(t, "bad")

	for _, b := range []string{"UPPER", "ab", "-lead", "trail-", "under_score", "_ossemu", strings.Repeat("b", 64)} {
		resp := e.do(t, "PUT", b, "", "", nil, nil)
		requireOSSError(t, resp, 400, "InvalidBucketName")
	}
	buckets, err := e.Store.ListBuckets(context.Background())
	require.NoError(t, err)
	require.Len(t, buckets, 1)
}

func TestBadBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "bodies")
	resp := e.do(t, "PUT", "bodies", "k", "", strings.NewReader("hello"), map[string]string{"Content-MD5": md5b64("other")})
	requireOSSError(t, resp, 400, "BadDigest")
	resp = e.do(t, "PUT", "bodies", "k", "", strings.NewReader("hello"), map[string]string{"Content-MD5": "not-base64!"})
	requireOSSError(t, resp, 400, "InvalidDigest")
	resp = e.do(t, "PUT", "bodies", "k", "", strings.NewReader("hello"), map[string]string{"Content-MD5": md5b64("hello")})
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, e.Store.DeleteObject(context.Background(), "bodies", "k"))

	// Truncated body: announce 100 bytes, send 10 and half-close.
	req, err := http.NewRequest("PUT", e.URL+"/bodies/trunc", nil)
	require.NoError(t, err)
	req.ContentLength = 100
	signV1(req, "bodies", "trunc")
	conn, err := net.Dial("tcp", e.Addr)
	require.NoError(t, err)
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /bodies/trunc HTTP/1.1\r\nHost: %s\r\nDate: %s\r\nAuthorization: %s\r\nContent-Length: 100\r\n\r\n0123456789",
		e.Addr, req.Header.Get("Date"), req.Header.Get("Authorization"))
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	tresp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	requireOSSError(t, tresp, 400, "IncompleteBody")
	e.requireEmpty(t, "bodies")
}

func TestMalformedXML(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "xml")
	resp := e.do(t, "PUT", "xml", "keep", "", strings.NewReader("keep me"), nil)
	require.Equal(t, 200, resp.StatusCode)

	for _, body := range []string{"<Delete><Object><Key>keep</Key>", "not xml", "<Delete></Delete>", "<Delete><Object></Object></Delete>"} {
		resp := e.do(t, "POST", "xml", "", "delete", strings.NewReader(body), map[string]string{"Content-MD5": md5b64(body)}, "delete")
		requireOSSError(t, resp, 400, "MalformedXML")
	}
	good := "<Delete><Quiet>true</Quiet><Object><Key>keep</Key></Object></Delete>"
	resp = e.do(t, "POST", "xml", "", "delete", strings.NewReader(good), map[string]string{"Content-MD5": md5b64("tampered")}, "delete")
	requireOSSError(t, resp, 400, "BadDigest")
	_, err := e.Store.StatObject(context.Background(), "xml", "keep")
	require.NoError(t, err, "a refused delete-multiple must delete nothing")

	resp = e.do(t, "POST", "xml", "big", "uploads", nil, nil, "uploads")
	require.Equal(t, 200, resp.StatusCode)
	var init struct{ UploadId string }
	decodeXML(t, resp, &init)
	id := "uploadId=" + init.UploadId
	resp = e.do(t, "PUT", "xml", "big", "partNumber=1&"+id, strings.NewReader("part one"), nil, "partNumber=1", id)
	require.Equal(t, 200, resp.StatusCode)
	etag := resp.Header.Get("ETag")
	for _, body := range []string{"<CompleteMultipartUpload><Part>", "garbage", "<CompleteMultipartUpload></CompleteMultipartUpload>"} {
		resp := e.do(t, "POST", "xml", "big", id, strings.NewReader(body), nil, id)
		requireOSSError(t, resp, 400, "MalformedXML")
	}
	wrong := "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"00000000000000000000000000000000\"</ETag></Part></CompleteMultipartUpload>"
	resp = e.do(t, "POST", "xml", "big", id, strings.NewReader(wrong), nil, id)
	requireOSSError(t, resp, 400, "InvalidPart")
	_, err = e.Store.StatObject(context.Background(), "xml", "big")
	require.Error(t, err, "a refused completion must write nothing")

	ok := "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag + "</ETag></Part></CompleteMultipartUpload>"
	resp = e.do(t, "POST", "xml", "big", id, strings.NewReader(ok), nil, id)
	require.Equal(t, 200, resp.StatusCode)
	info, err := e.Store.StatObject(context.Background(), "xml", "big")
	require.NoError(t, err)
	require.Equal(t, int64(len("part one")), info.Size)
}
