package local

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestCopyHashedMatchesOneShotHashes(t *testing.T) {
	t.Parallel()
	data := make([]byte, 3*hashChunk+7)
	rand.NewChaCha8([32]byte{3}).Read(data)
	for _, tc := range []struct {
		name string
		size int
		wrap func(io.Reader) io.Reader
	}{
		{"empty", 0, nil},
		{"one byte", 1, nil},
		{"chunk less one", hashChunk - 1, nil},
		{"one chunk", hashChunk, nil},
		{"chunk plus one", hashChunk + 1, nil},
		{"more chunks than buffers", len(data), nil},
		{"one byte per read", hashChunk + 5, iotest.OneByteReader},
		{"half reads", len(data), iotest.HalfReader},
		{"data with EOF", len(data), iotest.DataErrReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := data[:tc.size]
			var src io.Reader = bytes.NewReader(want)
			if tc.wrap != nil {
				src = tc.wrap(src)
			}
			var dst bytes.Buffer
			m, c := md5.New(), crc64.New(crcTable)
			n, err := copyHashed(context.Background(), &dst, src, m, c)
			require.NoError(t, err)
			require.Equal(t, int64(tc.size), n)
			require.True(t, bytes.Equal(want, dst.Bytes()), "copied bytes differ")
			sum := md5.Sum(want)
			require.Equal(t, sum[:], m.Sum(nil))
			require.Equal(t, crc64.Checksum(want, crcTable), c.Sum64())
		})
	}
}

// errWriter fails every write.
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

func TestCopyHashedPassesErrorsThrough(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("x"), 2*hashChunk)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	disk := errors.New("disk full")
	for _, tc := range []struct {
		name string
		ctx  context.Context
		src  io.Reader
		dst  io.Writer
		want error
	}{
		// A body cut short must stay io.ErrUnexpectedEOF (IncompleteBody), not
		// become a successful short copy.
		{"short body", context.Background(), io.MultiReader(bytes.NewReader(data), iotest.ErrReader(io.ErrUnexpectedEOF)), io.Discard, io.ErrUnexpectedEOF},
		{"write fails", context.Background(), bytes.NewReader(data), errWriter{disk}, disk},
		{"cancelled", cancelled, bytes.NewReader(data), io.Discard, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := copyHashed(tc.ctx, tc.dst, tc.src, md5.New(), crc64.New(crcTable))
			require.ErrorIs(t, err, tc.want)
		})
	}
}
