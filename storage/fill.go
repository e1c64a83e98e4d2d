package storage

import "io"

// Fill reads from r until p is full or r fails, and returns r's own error:
// unlike io.ReadFull it reports only a clean end as io.EOF, so a client that
// disconnects mid-body (io.ErrUnexpectedEOF from net/http) is never taken
// for the end of the body. Both backends read bodies in chunks with it.
func Fill(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
