package storage

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestBodyError(t *testing.T) {
	t.Parallel()
	own := osserr.New(osserr.BadDigest, "digest")
	disk := errors.New("no space left on device")
	tests := []struct {
		name string
		err  error
		code *osserr.Code // nil: an internal error
	}{
		{"too large", fmt.Errorf("copy: %w", &http.MaxBytesError{Limit: 5}), &osserr.EntityTooLarge},
		{"short", io.ErrUnexpectedEOF, &osserr.IncompleteBody},
		{"cancelled", context.Canceled, &osserr.IncompleteBody},
		{"deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), &osserr.IncompleteBody},
		{"stalled body", fmt.Errorf("read tcp: %w", os.ErrDeadlineExceeded), &osserr.RequestTimeout},
		{"oss error", own, &osserr.BadDigest},
		{"disk", disk, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := BodyError(tc.err, "write body")
			require.ErrorIs(t, got, tc.err)
			oe, ok := osserr.As(got)
			if tc.code == nil {
				require.False(t, ok, "an I/O failure must stay internal: %v", got)
				require.EqualError(t, got, "write body: "+tc.err.Error())
				return
			}
			require.True(t, ok, "want %s, got %v", tc.code.Name, got)
			require.Equal(t, tc.code.Name, oe.Code.Name)
		})
	}
	require.Same(t, own, BodyError(own, "x"), "an OSS error passes through unchanged")
	oe, _ := osserr.As(BodyError(&http.MaxBytesError{Limit: 5}, "x"))
	require.Contains(t, oe.Message, "5 bytes")
}

func TestCheckBody(t *testing.T) {
	t.Parallel()
	sum := md5.Sum([]byte("hello"))
	other := md5.Sum([]byte("hellO"))
	tests := []struct {
		name string
		n    int64
		opts PutOptions
		code string // "" when the body is accepted
	}{
		{"unknown size, no digest", 5, PutOptions{Size: -1}, ""},
		{"size and digest match", 5, PutOptions{Size: 5, ContentMD5: sum[:]}, ""},
		{"short", 4, PutOptions{Size: 5}, osserr.IncompleteBody.Name},
		{"long", 6, PutOptions{Size: 5}, osserr.IncompleteBody.Name},
		{"digest mismatch", 5, PutOptions{Size: 5, ContentMD5: other[:]}, osserr.BadDigest.Name},
		{"empty body, zero size", 0, PutOptions{Size: 0}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckBody(tc.n, sum[:], tc.opts)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			oe, ok := osserr.As(err)
			require.True(t, ok, "want %s, got %v", tc.code, err)
			require.Equal(t, tc.code, oe.Code.Name)
		})
	}
}

func TestETag(t *testing.T) {
	t.Parallel()
	sum := md5.Sum([]byte("hello"))
	require.Equal(t, "5D41402ABC4B2A76B9719D911017C592", ETag(sum[:]))
}
