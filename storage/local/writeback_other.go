//go:build !linux

package local

import (
	"io"
	"os"
)

// blobWriter is what a body is copied into; only Linux starts writeback
// early (see writeback_linux.go).
func (b *Backend) blobWriter(f *os.File) io.Writer { return f }
