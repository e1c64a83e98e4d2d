package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// checksumOf is the x-amz-checksum-<alg> value of data.
func checksumOf(alg, data string) string {
	h := checksumAlgorithms[alg]()
	h.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// unsignedChunks frames data in chunks of size n the way aws-sdk-go-v2
// and boto3 do for STREAMING-UNSIGNED-PAYLOAD-TRAILER.
func unsignedChunks(data string, n int, trailer string) string {
	var b strings.Builder
	for len(data) > 0 {
		c := data[:min(n, len(data))]
		data = data[len(c):]
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(c), c)
	}
	b.WriteString("0\r\n" + trailer + "\r\n")
	return b.String()
}

func decodeUnsigned(body string, want int64, sumName string) (string, error) {
	c := &chunkedReader{br: newLineReader(strings.NewReader(body)), want: want, trailer: true}
	if sumName != "" {
		c.sumName, c.sum = sumName, checksumAlgorithms[strings.TrimPrefix(sumName, "x-amz-checksum-")]()
	}
	out, err := io.ReadAll(c)
	return string(out), err
}

func TestChunkedUnsignedTrailer(t *testing.T) {
	t.Parallel()
	data := strings.Repeat("0123456789", 3000)
	for _, alg := range []string{"crc32", "crc32c", "crc64nvme", "sha1", "sha256"} {
		name := "x-amz-checksum-" + alg
		good := unsignedChunks(data, 8192, name+":"+checksumOf(alg, data)+"\r\n")
		out, err := decodeUnsigned(good, int64(len(data)), name)
		require.NoError(t, err, alg)
		require.Equal(t, data, out, alg)

		bad := unsignedChunks(data, 8192, name+":"+checksumOf(alg, data+"!")+"\r\n")
		_, err = decodeUnsigned(bad, int64(len(data)), name)
		require.True(t, osserr.Is(err, osserr.BadDigest), "%s: %v", alg, err)
	}
	for name, tc := range map[string]struct {
		body string
		want int64
		sum  string
		code *osserr.Code
		eof  bool
		out  string // what decodes, when not data
	}{
		"no final CRLF":        {body: strings.TrimSuffix(unsignedChunks(data, 5000, ""), "\r\n"), want: int64(len(data))},
		"unknown length":       {body: unsignedChunks(data, 5000, ""), want: -1},
		"length mismatch":      {body: unsignedChunks(data, 5000, ""), want: int64(len(data)) + 1, code: &osserr.IncompleteBody},
		"announced trailer":    {body: unsignedChunks(data, 5000, ""), want: -1, sum: "x-amz-checksum-crc32", code: &osserr.IncompleteBody},
		"bad size":             {body: "zz\r\nabc\r\n0\r\n\r\n", want: -1, code: &osserr.IncompleteBody},
		"data without CRLF":    {body: "3\r\nabcX0\r\n\r\n", want: -1, code: &osserr.IncompleteBody},
		"cut short":            {body: unsignedChunks(data, 5000, "")[:9000], want: -1, eof: true},
		"no last chunk":        {body: "3\r\nabc\r\n", want: -1, eof: true},
		"endless header line":  {body: strings.Repeat("1", maxChunkLine+10), want: -1, code: &osserr.IncompleteBody},
		"minio-style LF lines": {body: "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:" + checksumOf("crc32", "abc") + "\n\r\n", want: 3, sum: "x-amz-checksum-crc32", out: "abc"},
	} {
		out, err := decodeUnsigned(tc.body, tc.want, tc.sum)
		switch {
		case tc.code != nil:
			require.True(t, osserr.Is(err, *tc.code), "%s: %v", name, err)
		case tc.eof:
			require.ErrorIs(t, err, io.ErrUnexpectedEOF, name)
		default:
			require.NoError(t, err, name)
			if tc.out == "" {
				tc.out = data
			}
			require.Equal(t, tc.out, out, name)
		}
	}
}

// TestCRC64NVME checks the table against the algorithm's published check
// value, CRC-64/NVME("123456789") = 0xae8b14860a799888.
func TestCRC64NVME(t *testing.T) {
	t.Parallel()
	h := checksumAlgorithms["crc64nvme"]()
	h.Write([]byte("123456789"))
	require.Equal(t, "ae8b14860a799888", fmt.Sprintf("%x", h.Sum(nil)))
}

// signedChunks frames chunks as STREAMING-AWS4-HMAC-SHA256-PAYLOAD, signing
// each with a copy of cs (which is not advanced).
func signedChunks(cs chunkSigner, chunks ...string) string {
	var b strings.Builder
	for _, c := range append(chunks, "") {
		sig, _ := cs.sign("PAYLOAD", hexSHA256(c))
		cs.prev = sig
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n%s\r\n", len(c), sig, c)
	}
	return b.String()
}

// FuzzChunked feeds arbitrary bodies to the aws-chunked decoder, signed
// (chained from a fixed seed signature) and unsigned with a CRC32 trailer.
// It must never panic; every failure is an *osserr.Error or a cut body;
// and a signed body it accepts decodes to the seed corpus's signed data,
// the only data signed with that key and seed.
//
//	go test ./server/auth/ -run '^$' -fuzz FuzzChunked -fuzztime 1m
func FuzzChunked(f *testing.F) {
	sc, err := parseS3Credential(docsScope, errS3Malformed)
	if err != nil {
		f.Fatal(err)
	}
	signer := chunkSigner{key: signingKeyS3(docsSecret, sc), timestamp: "20130524T000000Z", scope: sc.String(),
		prev: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"}
	const signedData = "hello, chunked world"
	f.Add(signedChunks(signer, "hello, ", "chunked ", "world"), true)
	f.Add(unsignedChunks("hello world", 4, "x-amz-checksum-crc32:"+checksumOf("crc32", "hello world")+"\r\n"), false)
	f.Add("0;chunk-signature=b6c6\r\n\r\n", true)
	f.Add("ffffffffffffffff\r\n", false)
	f.Add("3\r\nabc\r\n0\r\nx-amz-trailer-signature:00\r\n\r\n", false)
	f.Fuzz(func(t *testing.T, body string, signed bool) {
		c := &chunkedReader{br: newLineReader(strings.NewReader(body)), want: -1, trailer: !signed,
			sumName: "x-amz-checksum-crc32", sum: checksumAlgorithms["crc32"]()}
		if signed {
			s := signer
			c.sumName, c.sum, c.signer, c.chunk = "", nil, &s, newSHA256()
		}
		out, err := io.ReadAll(c)
		if err != nil {
			if _, ok := osserr.As(err); !ok && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if len(out) > len(body) {
			t.Fatalf("decoded %d bytes from %d", len(out), len(body))
		}
		if signed && string(out) != signedData {
			t.Fatalf("accepted a signed body not signed with the key: %q", body)
		}
	})
}
