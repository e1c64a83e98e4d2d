package auth

import (
	"encoding/hex"
	"io"
	"strings"
	"testing"
)

// BenchmarkS3Payload measures the body checks an S3 upload goes through,
// per byte: a signed SHA-256, the chunk-signed aws-chunked decoder (64 KiB
// chunks, minio-go's size) and the unsigned decoder with a CRC32 trailer.
func BenchmarkS3Payload(b *testing.B) {
	data := strings.Repeat("0123456789abcdef", 1<<19) // 8 MiB
	sc, err := parseS3Credential(docsScope, errS3Malformed)
	if err != nil {
		b.Fatal(err)
	}
	signer := chunkSigner{key: signingKeyS3(docsSecret, sc), timestamp: "20130524T000000Z", scope: sc.String(), prev: emptySHA256}
	var chunks []string
	for i := 0; i < len(data); i += 64 << 10 {
		chunks = append(chunks, data[i:i+64<<10])
	}
	signedBody := signedChunks(signer, chunks...)
	sum := mustHex(b, hexSHA256(data))
	unsignedBody := unsignedChunks(data, 64<<10, "x-amz-checksum-crc32:"+checksumOf("crc32", data)+"\r\n")
	for _, bc := range []struct {
		name string
		open func() io.Reader
	}{
		{"sha256", func() io.Reader {
			return &digestCheck{r: strings.NewReader(data), h: newSHA256(), want: sum, fail: func([]byte) error { return io.ErrUnexpectedEOF }}
		}},
		{"chunk-signed", func() io.Reader {
			s := signer
			return &chunkedReader{br: newLineReader(strings.NewReader(signedBody)), want: int64(len(data)), signer: &s, chunk: newSHA256()}
		}},
		{"unsigned-trailer", func() io.Reader {
			return &chunkedReader{br: newLineReader(strings.NewReader(unsignedBody)), want: int64(len(data)), trailer: true,
				sumName: "x-amz-checksum-crc32", sum: checksumAlgorithms["crc32"]()}
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for range b.N {
				if _, err := io.Copy(io.Discard, bc.open()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func mustHex(b *testing.B, s string) []byte {
	out, err := hex.DecodeString(s)
	if err != nil {
		b.Fatal(err)
	}
	return out
}
