package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// The x-amz-content-sha256 values besides a hex digest.
const (
	streamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// attachS3Payload replaces r.Body, once the signature is verified, with a
// reader that checks what the signature promised about the body while the
// handler streams it, never buffering it whole: the SHA-256 digest signed
// in x-amz-content-sha256, the aws-chunked framing (decoded, with every
// chunk signature verified) and an x-amz-checksum-* value sent as a header
// or a trailer. A check that fails fails the Read that finds it, so the
// write the body feeds is discarded. For aws-chunked bodies r.ContentLength
// becomes x-amz-decoded-content-length and "aws-chunked" is dropped from
// Content-Encoding, as S3 stores it.
func (v *Verifier) attachS3Payload(r *http.Request, payload string, s s3Sig) error {
	if r.Body == nil || r.Body == http.NoBody {
		if strings.HasPrefix(payload, "STREAMING-") {
			return osserr.New(osserr.IncompleteBody, "an aws-chunked request (%s) has no body", payload)
		}
		return nil
	}
	switch payload {
	case streamingSigned, streamingSignedTrailer, streamingUnsignedTrailer:
		return v.attachChunked(r, payload, s)
	}
	body := io.Reader(r.Body)
	if len(payload) == 64 {
		want, _ := hex.DecodeString(payload)
		body = &digestCheck{r: body, h: sha256.New(), want: want, fail: func(got []byte) error {
			return osserr.New(osserr.XAmzContentSHA256Mismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.").
				With("ClientComputedContentSHA256", payload).
				With("S3ComputedContentSHA256", hex.EncodeToString(got))
		}}
	}
	body, err := checksumHeader(r.Header, body)
	if err != nil {
		return err
	}
	r.Body = readCloser{body, r.Body}
	return nil
}

// attachChunked installs the aws-chunked decoder.
func (v *Verifier) attachChunked(r *http.Request, payload string, s s3Sig) error {
	want := int64(-1)
	if d := r.Header.Get("x-amz-decoded-content-length"); d != "" {
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil || n < 0 {
			return osserr.New(osserr.InvalidArgument, "x-amz-decoded-content-length must be a byte count, got %q", d)
		}
		want = n
	} else if payload != streamingUnsignedTrailer {
		return osserr.New(osserr.MissingArgument, "a signed aws-chunked upload needs x-amz-decoded-content-length").
			With("ArgumentName", "x-amz-decoded-content-length")
	}
	c := &chunkedReader{br: newLineReader(r.Body), want: want, trailer: payload != streamingSigned}
	if payload != streamingUnsignedTrailer {
		c.signer = &chunkSigner{key: signingKeyS3(v.cred.AccessKeySecret, s.scope), timestamp: s.timestamp,
			scope: s.scope.String(), prev: s.provided}
		c.chunk = newSHA256()
	}
	if name := strings.ToLower(strings.TrimSpace(r.Header.Get("x-amz-trailer"))); name != "" {
		alg, ok := strings.CutPrefix(name, "x-amz-checksum-")
		newHash := checksumAlgorithms[alg]
		if !ok || newHash == nil || !c.trailer {
			return osserr.New(osserr.InvalidArgument, "x-amz-trailer %q names no checksum ossemu knows (crc32, crc32c, crc64nvme, sha1, sha256) or the upload has no trailer", name)
		}
		c.sumName, c.sum = name, newHash()
	}
	r.Body = readCloser{c, r.Body}
	r.ContentLength = want
	r.Header.Del("Content-Length")
	var enc []string
	for _, e := range strings.Split(r.Header.Get("Content-Encoding"), ",") {
		if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "aws-chunked") {
			enc = append(enc, e)
		}
	}
	if len(enc) == 0 {
		r.Header.Del("Content-Encoding")
	} else {
		r.Header.Set("Content-Encoding", strings.Join(enc, ","))
	}
	return nil
}

// readCloser reads through the checks and closes the original body.
type readCloser struct {
	io.Reader
	io.Closer
}

// digestCheck hashes a stream and, when it ends, compares the digest with
// want, failing the read that reached EOF with fail's error.
type digestCheck struct {
	r    io.Reader
	h    hash.Hash
	want []byte
	fail func(got []byte) error
}

func (d *digestCheck) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	if err == io.EOF {
		if got := d.h.Sum(nil); !bytes.Equal(got, d.want) {
			return n, d.fail(got)
		}
	}
	return n, err
}

// checksumHeader wraps body with a check of the x-amz-checksum-<alg>
// header the request carries, if any (boto3 and aws-cli send CRC32 by
// default over plain HTTP).
func checksumHeader(h http.Header, body io.Reader) (io.Reader, error) {
	for alg, newHash := range checksumAlgorithms {
		name := "x-amz-checksum-" + alg
		val := h.Get(name)
		if val == "" {
			continue
		}
		want, err := base64.StdEncoding.DecodeString(val)
		if err != nil {
			return nil, osserr.New(osserr.InvalidRequest, "Value for %s header is invalid.", name)
		}
		body = &digestCheck{r: body, h: newHash(), want: want, fail: func([]byte) error { return errChecksum(alg) }}
	}
	return body, nil
}

func errChecksum(alg string) error {
	return osserr.New(osserr.BadDigest, "The %s you specified did not match the calculated checksum.", strings.ToUpper(alg))
}
