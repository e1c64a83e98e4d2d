package auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// aws-chunked is the body framing of S3's streaming uploads:
//
//	<hex size>;chunk-signature=<sig>\r\n<data>\r\n … 0;chunk-signature=<sig>\r\n\r\n
//
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD). Each chunk signature signs the
// chunk's SHA-256 and chains on the previous signature, starting from the
// request's. The -TRAILER variants end with trailer lines after the last
// chunk ("x-amz-checksum-crc32:<b64>\r\n"), signed by an
// x-amz-trailer-signature line; STREAMING-UNSIGNED-PAYLOAD-TRAILER, what
// aws-sdk-go-v2 and boto3 send over TLS by default, has neither chunk nor
// trailer signatures ("<hex size>\r\n<data>\r\n … 0\r\n<trailers>\r\n").

// maxChunkLine bounds a chunk header or trailer line.
const maxChunkLine = 4 << 10

// emptySHA256 is the hex SHA-256 of nothing, part of every chunk's string
// to sign.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// chunkSigner computes the chained chunk and trailer signatures.
type chunkSigner struct {
	key       []byte
	timestamp string
	scope     string
	prev      string
}

// check verifies one signature of the chain (kind "PAYLOAD" for a chunk,
// "TRAILER" for the trailer) over digest and advances the chain.
func (cs *chunkSigner) check(kind, digest, provided string) error {
	want, sts := cs.sign(kind, digest)
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(provided))) != 1 {
		return osserr.New(osserr.SignatureDoesNotMatch, "The %s signature of an aws-chunked body does not match.", strings.ToLower(kind)).
			With("StringToSign", sts).With("SignatureProvided", provided)
	}
	cs.prev = want
	return nil
}

// sign returns the signature that chains on cs.prev for digest, and the
// string it signs.
func (cs *chunkSigner) sign(kind, digest string) (sig, stringToSign string) {
	sts := algorithmS3V4 + "-" + kind + "\n" + cs.timestamp + "\n" + cs.scope + "\n" + cs.prev + "\n"
	if kind == "PAYLOAD" {
		sts += emptySHA256 + "\n"
	}
	sts += digest
	return hex.EncodeToString(hmacSHA256(cs.key, sts)), sts
}

func newLineReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 64<<10) }

// chunkedReader decodes an aws-chunked body as it is read.
type chunkedReader struct {
	br      *bufio.Reader
	signer  *chunkSigner // nil for unsigned chunks
	chunk   hash.Hash    // SHA-256 of the current chunk (signed only)
	trailer bool         // trailer lines follow the last chunk
	sumName string       // the x-amz-trailer checksum, e.g. x-amz-checksum-crc32
	sum     hash.Hash
	left    int64  // bytes left in the current chunk
	sig     string // the current chunk's signature
	n, want int64  // bytes decoded; x-amz-decoded-content-length or -1
	err     error  // sticky: io.EOF after the last chunk, or the failure
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	for c.err == nil && c.left == 0 {
		c.err = c.nextChunk()
	}
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.br.Read(p)
	c.left -= int64(n)
	c.n += int64(n)
	if c.chunk != nil {
		c.chunk.Write(p[:n])
	}
	if c.sum != nil {
		c.sum.Write(p[:n])
	}
	switch {
	case errors.Is(err, io.EOF):
		c.err = io.ErrUnexpectedEOF
	case err != nil:
		c.err = err
	case c.left == 0:
		c.err = c.dataEnd()
	}
	if c.err != nil && c.err != io.EOF {
		return n, c.err
	}
	return n, nil
}

func errChunk(format string, args ...any) error {
	return osserr.New(osserr.IncompleteBody, "malformed aws-chunked body: "+format, args...)
}

// line reads one CRLF-terminated line without its terminator.
func (c *chunkedReader) line() (string, error) {
	b, err := c.br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(b) > maxChunkLine:
		return "", errChunk("a line is longer than %d bytes", maxChunkLine)
	case errors.Is(err, io.EOF) && len(b) == 0:
		return "", io.EOF
	case errors.Is(err, io.EOF):
		return "", io.ErrUnexpectedEOF
	case err != nil:
		return "", err
	}
	return string(bytes.TrimRight(b, "\r\n")), nil
}

// nextChunk reads a chunk header; the last (empty) chunk also brings the
// trailer, the decoded-length check and the end of the stream.
func (c *chunkedReader) nextChunk() error {
	hdr, err := c.line()
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	if err != nil {
		return err
	}
	sizeHex, ext, _ := strings.Cut(hdr, ";")
	size, perr := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
	if perr != nil || size < 0 {
		return errChunk("bad chunk size %q", sizeHex)
	}
	if c.signer != nil {
		sig, ok := strings.CutPrefix(strings.TrimSpace(ext), "chunk-signature=")
		if !ok || sig == "" {
			return errChunk("chunk header %q has no chunk-signature", hdr)
		}
		c.sig = sig
	}
	if size > 0 {
		c.left = size
		return nil
	}
	if err := c.verifyChunk(); err != nil {
		return err
	}
	return c.finish()
}

// dataEnd checks the CRLF after a chunk's data and the chunk's signature.
func (c *chunkedReader) dataEnd() error {
	if l, err := c.line(); err != nil || l != "" {
		return errChunk("chunk data is not followed by CRLF")
	}
	return c.verifyChunk()
}

func (c *chunkedReader) verifyChunk() error {
	if c.signer == nil {
		return nil
	}
	digest := hex.EncodeToString(c.chunk.Sum(nil))
	c.chunk.Reset()
	return c.signer.check("PAYLOAD", digest, c.sig)
}

// finish reads what follows the last chunk up to the end of the body,
// checks the trailer signature and checksum and the decoded length, and
// returns io.EOF when all hold. Empty lines are skipped: clients differ in
// how they close the trailer (minio-go ends each trailer line with a bare
// LF and puts an empty line before x-amz-trailer-signature), and some omit
// the final CRLF.
func (c *chunkedReader) finish() error {
	trailers := map[string]string{}
	var canon strings.Builder
	var trailerSig string
	for {
		l, err := c.line()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if l == "" {
			continue
		}
		name, val, ok := strings.Cut(l, ":")
		if !ok || !c.trailer {
			return errChunk("unexpected line %q after the last chunk", l)
		}
		name, val = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(val)
		if name == "x-amz-trailer-signature" {
			trailerSig = val
			continue
		}
		trailers[name] = val
		canon.WriteString(name + ":" + val + "\n")
	}
	if c.signer != nil && c.trailer {
		if trailerSig == "" {
			return errChunk("the trailer has no x-amz-trailer-signature")
		}
		sum := sha256.Sum256([]byte(canon.String()))
		if err := c.signer.check("TRAILER", hex.EncodeToString(sum[:]), trailerSig); err != nil {
			return err
		}
	}
	if c.sum != nil {
		val, ok := trailers[c.sumName]
		if !ok {
			return errChunk("the trailer lacks %s, announced in x-amz-trailer", c.sumName)
		}
		want, err := base64.StdEncoding.DecodeString(val)
		if err != nil || !bytes.Equal(want, c.sum.Sum(nil)) {
			return errChecksum(strings.TrimPrefix(c.sumName, "x-amz-checksum-"))
		}
	}
	if c.want >= 0 && c.n != c.want {
		return osserr.New(osserr.IncompleteBody, "the aws-chunked body decodes to %d bytes but x-amz-decoded-content-length is %d", c.n, c.want)
	}
	return io.EOF
}
