package server_test

import (
	"encoding/base64"
	"encoding/xml"
	"hash/crc64"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

func TestResponseHeadersAndErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "hdrs")
	body := "0123456789abcdef"
	resp := e.do(t, "PUT", "hdrs", "obj.txt", "", strings.NewReader(body), map[string]string{
		"Content-Type": "text/plain", "x-oss-meta-Color": "blue", "Content-Disposition": "inline"})
	require.Equal(t, 200, resp.StatusCode)
	require.Regexp(t, regexp.MustCompile(`^[0-9A-F]{24}$`), resp.Header.Get("x-oss-request-id"))
	require.Equal(t, "AliyunOSS", resp.Header.Get("Server"))
	_, err := http.ParseTime(resp.Header.Get("Date"))
	require.NoError(t, err)
	etag := resp.Header.Get("ETag")
	require.Regexp(t, `^"[0-9A-F]{32}"$`, etag)
	crc := strconv.FormatUint(crc64.Checksum([]byte(body), crc64.MakeTable(crc64.ECMA)), 10)
	require.Equal(t, crc, resp.Header.Get("x-oss-hash-crc64ecma"))

	resp = e.do(t, "GET", "hdrs", "obj.txt", "response-content-type=application%2Fx-test&response-cache-control=no-store",
		nil, nil, "response-cache-control=no-store", "response-content-type=application/x-test")
	data, _ := io.ReadAll(resp.Body)
	require.Equal(t, 200, resp.StatusCode, string(data))
	require.Equal(t, body, string(data))
	require.Equal(t, "application/x-test", resp.Header.Get("Content-Type"))
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	require.Equal(t, "blue", resp.Header.Get("x-oss-meta-color"))
	require.Equal(t, "inline", resp.Header.Get("Content-Disposition"))
	require.Equal(t, crc, resp.Header.Get("x-oss-hash-crc64ecma"))
	lastMod := resp.Header.Get("Last-Modified")
	_, err = http.ParseTime(lastMod)
	require.NoError(t, err)

	// Range.
	resp = e.do(t, "GET", "hdrs", "obj.txt", "", nil, map[string]string{"Range": "bytes=10-"})
	data, _ = io.ReadAll(resp.Body)
	require.Equal(t, 206, resp.StatusCode)
	require.Equal(t, "abcdef", string(data))
	require.Equal(t, "bytes 10-15/16", resp.Header.Get("Content-Range"))
	resp = e.do(t, "GET", "hdrs", "obj.txt", "", nil, map[string]string{"Range": "bytes=99-", "x-oss-range-behavior": "standard"})
	requireOSSError(t, resp, 416, "InvalidRange")

	// Conditions.
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	cond := []struct {
		hdr    map[string]string
		status int
	}{
		{map[string]string{"If-Match": etag}, 200},
		{map[string]string{"If-Match": `"nope"`}, 412},
		{map[string]string{"If-None-Match": etag}, 304},
		{map[string]string{"If-None-Match": `"nope"`}, 200},
		{map[string]string{"If-Modified-Since": future}, 304},
		{map[string]string{"If-Modified-Since": past}, 200},
		{map[string]string{"If-Unmodified-Since": past}, 412},
		{map[string]string{"If-Unmodified-Since": future}, 200},
	}
	for _, c := range cond {
		resp := e.do(t, "GET", "hdrs", "obj.txt", "", nil, c.hdr)
		require.Equal(t, c.status, resp.StatusCode, "%v", c.hdr)
		if c.status == 304 {
			require.Equal(t, etag, resp.Header.Get("ETag"))
		}
		if c.status == 412 {
			requireOSSError(t, resp, 412, "PreconditionFailed")
		}
	}

	// HEAD errors carry the XML in x-oss-err and no body.
	resp = e.do(t, "HEAD", "hdrs", "missing", "", nil, nil)
	require.Equal(t, 404, resp.StatusCode)
	raw, err := base64.StdEncoding.DecodeString(resp.Header.Get("x-oss-err"))
	require.NoError(t, err)
	var doc errorDoc
	require.NoError(t, xml.Unmarshal(raw, &doc))
	require.Equal(t, "NoSuchKey", doc.Code)
	require.Equal(t, "0026-00000001", resp.Header.Get("x-oss-ec"))

	resp = e.do(t, "GET", "nobucket", "k", "", nil, nil)
	requireOSSError(t, resp, 404, "NoSuchBucket")
	resp = e.do(t, "PUT", "hdrs", "obj.txt", "tagging", strings.NewReader("x"), nil, "tagging")
	requireOSSError(t, resp, 501, "NotImplemented")
	resp = e.do(t, "PUT", "hdrs", "obj.txt", "acl", strings.NewReader(""), map[string]string{"x-oss-object-acl": "public-read"}, "acl")
	require.Equal(t, 200, resp.StatusCode, "ACL changes are accepted and ignored")
	resp = e.do(t, "GET", "hdrs", "obj.txt", "", nil, nil)
	data, _ = io.ReadAll(resp.Body)
	require.Equal(t, body, string(data), "a refused sub-resource PUT must not touch the object")

	// Delete of a missing key is 204.
	resp = e.do(t, "DELETE", "hdrs", "missing", "", nil, nil)
	require.Equal(t, 204, resp.StatusCode)
}

func TestListEncodingAndV2(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "enc")
	for _, k := range []string{"a b/1", "a b/2", "c+d", "e\x01f"} {
		resp := e.do(t, "PUT", "enc", k, "", strings.NewReader("x"), nil)
		require.Equal(t, 200, resp.StatusCode)
	}
	resp := e.do(t, "GET", "enc", "", "list-type=2&delimiter=%2F&encoding-type=url&max-keys=2", nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	var res struct {
		EncodingType, NextContinuationToken string
		IsTruncated                         bool
		KeyCount                            int
		Contents                            []struct{ Key string }
		CommonPrefixes                      []struct{ Prefix string }
	}
	decodeXML(t, resp, &res)
	require.Equal(t, "url", res.EncodingType)
	require.True(t, res.IsTruncated)
	require.Equal(t, 2, res.KeyCount)
	require.Equal(t, "a%20b%2F", res.CommonPrefixes[0].Prefix)
	require.Equal(t, "c%2Bd", res.Contents[0].Key)
	resp = e.do(t, "GET", "enc", "", "list-type=2&encoding-type=url&continuation-token="+res.NextContinuationToken, nil, nil,
		"continuation-token="+res.NextContinuationToken)
	res.Contents = nil
	decodeXML(t, resp, &res)
	require.False(t, res.IsTruncated)
	require.Equal(t, "e%01f", res.Contents[0].Key)
	resp = e.do(t, "GET", "enc", "", "max-keys=5000", nil, nil)
	requireOSSError(t, resp, 400, "InvalidArgument")
	resp = e.do(t, "GET", "enc", "", "list-type=2&continuation-token=%21%21", nil, nil, "continuation-token=!!")
	requireOSSError(t, resp, 400, "InvalidArgument")
}

func TestHealthMetricsAndReserved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, err := http.Get(e.URL + "/_ossemu/health")
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.Contains(t, string(data), `"status":"ok"`)

	resp, data = testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/metrics", testAK, testSK)
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(data), `ossemu_http_requests_total{code="200",method="GET",op="Health"} 1`)

	resp, err = http.Get(e.URL + "/_ossemu/nothing-here")
	require.NoError(t, err)
	requireOSSError(t, resp, 400, "InvalidRequest")
	resp.Body.Close()
}

func TestCORS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "cors")
	req, _ := http.NewRequest("OPTIONS", e.URL+"/cors/k", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "authorization, x-oss-date")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "http://localhost:5173", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "authorization, x-oss-date", resp.Header.Get("Access-Control-Allow-Headers"))
	require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "PUT")

	// A real request still needs a signature; the error is readable cross-origin.
	req, _ = http.NewRequest("GET", e.URL+"/cors/k", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, "http://localhost:5173", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "ETag")
	requireOSSError(t, resp, 403, "AccessDenied")
	resp.Body.Close()
}
