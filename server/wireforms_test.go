package server_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWireFormsPythonSDK pins two response details Python oss2 depends on:
// CompleteMultipartUpload carries the new ETag as a header (oss2's
// resumable_upload result reads it there), and XML LastModified values are
// whole seconds written as ".000Z" (oss2's listing parser accepts nothing
// else).
func TestWireFormsPythonSDK(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "forms")

	resp := e.do(t, "POST", "forms", "mp.bin", "uploads", nil, nil, "uploads")
	require.Equal(t, 200, resp.StatusCode)
	var init struct{ UploadId string }
	decodeXML(t, resp, &init)
	id := "uploadId=" + init.UploadId
	resp = e.do(t, "PUT", "forms", "mp.bin", "partNumber=1&"+id, strings.NewReader("only part"), nil, "partNumber=1", id)
	require.Equal(t, 200, resp.StatusCode)
	part := resp.Header.Get("ETag")
	body := "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + part + "</ETag></Part></CompleteMultipartUpload>"
	resp = e.do(t, "POST", "forms", "mp.bin", id, strings.NewReader(body), nil, id)
	require.Equal(t, 200, resp.StatusCode)
	var done struct{ ETag string }
	decodeXML(t, resp, &done)
	require.Regexp(t, `^"[0-9A-F]{32}-1"$`, resp.Header.Get("ETag"))
	require.Equal(t, done.ETag, resp.Header.Get("ETag"))

	for _, query := range []string{"", "list-type=2"} {
		resp = e.do(t, "GET", "forms", "", query, nil, nil)
		require.Equal(t, 200, resp.StatusCode)
		var list struct {
			Times []string `xml:"Contents>LastModified"`
		}
		decodeXML(t, resp, &list)
		require.NotEmpty(t, list.Times, query)
		for _, lm := range list.Times {
			require.Regexp(t, regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$`), lm, query)
		}
	}
}

// TestUserMetaLowerCaseOnTheWire checks GET and HEAD send user metadata as
// "x-oss-meta-<name>" in lower case, byte for byte, as OSS does: the Java
// SDK matches that prefix case-sensitively and drops "X-Oss-Meta-…".
// Go's client canonicalizes header names, so the response is read raw.
func TestUserMetaLowerCaseOnTheWire(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "meta")
	resp := e.do(t, "PUT", "meta", "a.txt", "", strings.NewReader("body"), map[string]string{"X-Oss-Meta-Owner": "Erin"})
	require.Equal(t, 200, resp.StatusCode)
	for _, method := range []string{"GET", "HEAD"} {
		r, err := http.NewRequest(method, e.URL+"/meta/a.txt", nil)
		require.NoError(t, err)
		signV1(r, "meta", "a.txt")
		conn, err := net.Dial("tcp", e.Addr)
		require.NoError(t, err)
		defer conn.Close()
		r.Close = true
		require.NoError(t, r.Write(conn))
		var head strings.Builder
		br := bufio.NewReader(conn)
		for {
			line, err := br.ReadString('\n')
			require.NoError(t, err)
			head.WriteString(line)
			if line == "\r\n" {
				break
			}
		}
		io.Copy(io.Discard, br)
		require.Contains(t, head.String(), "\r\nx-oss-meta-owner: Erin\r\n", method)
	}
}
