package server_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// signV1 signs a path-style request with a V1 header signature; bucket and
// key are the decoded resource, sub the signed sub-resources ("uploads",
// "delete", "uploadId=…").
func signV1(r *http.Request, bucket, key string, sub ...string) {
	r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	var oss []string
	for k, v := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-oss-") {
			oss = append(oss, lk+":"+strings.TrimSpace(strings.Join(v, ","))+"\n")
		}
	}
	sort.Strings(oss)
	res := "/"
	if bucket != "" {
		res += bucket + "/" + key
	}
	sort.Strings(sub)
	if len(sub) > 0 {
		res += "?" + strings.Join(sub, "&")
	}
	s := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + strings.Join(oss, "") + res
	mac := hmac.New(sha1.New, []byte(testSK))
	mac.Write([]byte(s))
	r.Header.Set("Authorization", "OSS "+testAK+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
}

// do sends a signed path-style request to /bucket/key?query.
func (e *env) do(t *testing.T, method, bucket, key, query string, body io.Reader, hdr map[string]string, sub ...string) *http.Response {
	t.Helper()
	u := e.URL + "/" + bucket
	if key != "" {
		u += "/" + escapeKey(key)
	}
	if query != "" {
		u += "?" + query
	}
	r, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	signV1(r, bucket, key, sub...)
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func escapeKey(k string) string {
	parts := strings.Split(k, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

type errorDoc struct {
	Code, Message, RequestId, EC string
}

// requireOSSError checks status, x-oss-ec and the error XML body.
func requireOSSError(t *testing.T, resp *http.Response, status int, code string) errorDoc {
	t.Helper()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, status, resp.StatusCode, string(data))
	var doc errorDoc
	require.NoError(t, xml.Unmarshal(data, &doc), string(data))
	require.Equal(t, code, doc.Code)
	require.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	require.Equal(t, doc.EC, resp.Header.Get("x-oss-ec"))
	require.Equal(t, resp.Header.Get("x-oss-request-id"), doc.RequestId)
	require.NotEmpty(t, doc.Message)
	return doc
}

func decodeXML(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(data, v), string(data))
}
