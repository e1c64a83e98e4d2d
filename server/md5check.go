package server

import (
	"bytes"
	"crypto/md5"
	"hash"
	"io"

	"github.com/ossemu/ossemu/osserr"
)

// md5Check verifies the MD5 of a stream when it ends, failing the read that
// hits EOF with BadDigest so the write it feeds is discarded.
type md5Check struct {
	r    io.Reader
	want []byte
	h    hash.Hash
}

func (m *md5Check) Read(p []byte) (int, error) {
	if m.h == nil {
		m.h = md5.New()
	}
	n, err := m.r.Read(p)
	m.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(m.h.Sum(nil), m.want) {
		return n, osserr.New(osserr.BadDigest, "the Content-MD5 you specified did not match what was received")
	}
	return n, err
}
