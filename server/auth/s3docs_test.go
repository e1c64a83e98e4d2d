package auth

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// The examples of the S3 documentation's SigV4 pages ("Signature
// calculations for the Authorization header", "… using query parameters",
// "… transferring payload in multiple chunks", "… trailing headers"), with
// their documented key pair, requests and signatures.

const (
	docsAK     = "AKIAIOSFODNN7EXAMPLE"
	docsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	docsScope  = docsAK + "/20130524/us-east-1/s3/aws4_request"
)

func docsVerifier(now time.Time) *Verifier {
	return New(Config{Credentials: Credentials{AccessKeyID: docsAK, AccessKeySecret: docsSecret}, Now: func() time.Time { return now }})
}

var docsTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func docsRequest(method, target, body string, headers ...[2]string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for _, h := range headers {
		r.Header.Add(h[0], h[1])
	}
	return r
}

func TestS3DocsHeaderExamples(t *testing.T) {
	t.Parallel()
	v := docsVerifier(docsTime)

	// GET Object with a Range, virtual-hosted.
	get := docsRequest("GET", "http://examplebucket.s3.amazonaws.com/test.txt", "",
		[2]string{"Range", "bytes=0-9"},
		[2]string{"x-amz-content-sha256", emptySHA256},
		[2]string{"x-amz-date", "20130524T000000Z"},
		[2]string{"Authorization", "AWS4-HMAC-SHA256 Credential=" + docsScope + ",SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"})
	require.NoError(t, v.Verify(get, Resource{Bucket: "examplebucket", Key: "test.txt"}))

	// PUT Object: Date instead of x-amz-date's value in the signed headers, a
	// '$' in the key and a signed payload.
	put := func(body string) *http.Request {
		return docsRequest("PUT", "http://examplebucket.s3.amazonaws.com/test$file.text", body,
			[2]string{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
			[2]string{"x-amz-date", "20130524T000000Z"},
			[2]string{"x-amz-storage-class", "REDUCED_REDUNDANCY"},
			[2]string{"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
			[2]string{"Authorization", "AWS4-HMAC-SHA256 Credential=" + docsScope + ",SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"})
	}
	r := put("Welcome to Amazon S3.")
	require.NoError(t, v.Verify(r, Resource{Bucket: "examplebucket", Key: "test$file.text"}))
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.Equal(t, "Welcome to Amazon S3.", string(got))

	// The same headers over another body: the signature holds (it signs the
	// hash header), the body check fails when the body ends.
	r = put("Welcome to Amazon S4.")
	require.NoError(t, v.Verify(r, Resource{Bucket: "examplebucket", Key: "test$file.text"}))
	_, err = io.ReadAll(r.Body)
	require.True(t, osserr.Is(err, osserr.XAmzContentSHA256Mismatch), "%v", err)

	// Fifteen minutes and one second later the same request is skewed.
	late := docsVerifier(docsTime.Add(DefaultMaxSkew + time.Second))
	require.True(t, osserr.Is(late.Verify(put("x"), Resource{}), osserr.RequestTimeTooSkewed))
}

func TestS3DocsPresignedExample(t *testing.T) {
	t.Parallel()
	const url = "http://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	res := Resource{Bucket: "examplebucket", Key: "test.txt"}
	for _, tc := range []struct {
		after time.Duration
		want  *osserr.Code
	}{
		{0, nil}, {86400 * time.Second, nil},
		{86401 * time.Second, &osserr.AccessDenied},
		{-DefaultMaxSkew - time.Second, &osserr.AccessDenied},
	} {
		err := docsVerifier(docsTime.Add(tc.after)).Verify(docsRequest("GET", url, ""), res)
		if tc.want == nil {
			require.NoError(t, err, tc.after)
		} else {
			require.True(t, osserr.Is(err, *tc.want), "%s: %v", tc.after, err)
		}
	}
	wrong := strings.Replace(url, "X-Amz-Signature=aeee", "X-Amz-Signature=beee", 1)
	require.True(t, osserr.Is(docsVerifier(docsTime).Verify(docsRequest("GET", wrong, ""), res), osserr.SignatureDoesNotMatch))
}

// docsChunks frames 65536 + 1024 bytes of 'a' with the given chunk
// signatures and trailer, as in the streaming examples.
func docsChunks(sigs [3]string, trailer string) string {
	return fmt.Sprintf("10000;chunk-signature=%s\r\n%s\r\n400;chunk-signature=%s\r\n%s\r\n0;chunk-signature=%s\r\n%s\r\n",
		sigs[0], strings.Repeat("a", 65536), sigs[1], strings.Repeat("a", 1024), sigs[2], trailer)
}

var docsChunkSigs = [3]string{
	"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
	"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
	"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
}

func docsChunkedRequest(body, decoded string) *http.Request {
	r := docsRequest("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", body,
		[2]string{"x-amz-date", "20130524T000000Z"},
		[2]string{"x-amz-storage-class", "REDUCED_REDUNDANCY"},
		[2]string{"x-amz-content-sha256", streamingSigned},
		[2]string{"Content-Encoding", "aws-chunked"},
		[2]string{"x-amz-decoded-content-length", decoded},
		[2]string{"Content-Length", "66824"},
		[2]string{"Authorization", "AWS4-HMAC-SHA256 Credential=" + docsScope + ",SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"})
	r.ContentLength = int64(len(body))
	return r
}

func TestS3DocsChunkedExample(t *testing.T) {
	t.Parallel()
	v := docsVerifier(docsTime)
	res := Resource{Bucket: "examplebucket", Key: "chunkObject.txt"}

	r := docsChunkedRequest(docsChunks(docsChunkSigs, ""), "66560")
	require.NoError(t, v.Verify(r, res))
	require.EqualValues(t, 66560, r.ContentLength)
	require.Empty(t, r.Header.Get("Content-Encoding"), "aws-chunked is not stored")
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("a", 66560), string(got))

	tampered := strings.Replace(docsChunks(docsChunkSigs, ""), "aaaa", "baaa", 1)
	r = docsChunkedRequest(tampered, "66560")
	require.NoError(t, v.Verify(r, res))
	_, err = io.ReadAll(r.Body)
	require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "%v", err)

	for i := range docsChunkSigs {
		sigs := docsChunkSigs
		sigs[i] = map[bool]string{true: "1", false: "0"}[sigs[i][0] == '0'] + sigs[i][1:]
		r = docsChunkedRequest(docsChunks(sigs, ""), "66560")
		require.NoError(t, v.Verify(r, res))
		_, err = io.ReadAll(r.Body)
		require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "chunk %d: %v", i, err)
	}

	cut := docsChunks(docsChunkSigs, "")
	r = docsChunkedRequest(cut[:40000], "66560")
	require.NoError(t, v.Verify(r, res))
	_, err = io.ReadAll(r.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestS3DocsSignedTrailerExample(t *testing.T) {
	t.Parallel()
	const seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	sigs := [3]string{
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
	}
	const trailer = "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n"
	sc, err := parseS3Credential(docsScope, errS3Malformed)
	require.NoError(t, err)
	decode := func(body string) (string, error) {
		c := &chunkedReader{br: newLineReader(strings.NewReader(body)), want: 66560, trailer: true,
			signer:  &chunkSigner{key: signingKeyS3(docsSecret, sc), timestamp: "20130524T000000Z", scope: sc.String(), prev: seed},
			chunk:   newSHA256(),
			sumName: "x-amz-checksum-crc32c", sum: checksumAlgorithms["crc32c"](),
		}
		out, err := io.ReadAll(c)
		return string(out), err
	}
	out, err := decode(docsChunks(sigs, trailer))
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("a", 66560), out)

	_, err = decode(docsChunks(sigs, strings.Replace(trailer, "sOO8/Q==", "sOO8/A==", 1)))
	require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "%v", err)
	_, err = decode(docsChunks(sigs, "x-amz-checksum-crc32c:sOO8/Q==\r\n"))
	require.True(t, osserr.Is(err, osserr.IncompleteBody), "%v", err)
}
