package storage

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// ChooseParts checks a CompleteMultipartUpload part list against the parts
// an upload holds and returns the chosen ones in the client's order. It
// enforces OSS's rules in one place so every backend refuses the same lists:
// at least one part (InvalidPart), strictly ascending part numbers with no
// repeats (InvalidPartOrder), and each part uploaded with the ETag the
// client names, quotes and case ignored (InvalidPart). The whole list is
// checked before anything is returned, so a bad list changes nothing.
// part reads the storage.Part out of a backend's own part record.
func ChooseParts[T any](want []CompletePart, have []T, part func(T) Part) ([]T, error) {
	if len(want) == 0 {
		return nil, osserr.New(osserr.InvalidPart, "CompleteMultipartUpload needs at least one part")
	}
	byNum := make(map[int]T, len(have))
	for _, h := range have {
		byNum[part(h).PartNumber] = h
	}
	chosen := make([]T, 0, len(want))
	for i, w := range want {
		if i > 0 && w.PartNumber <= want[i-1].PartNumber {
			return nil, osserr.New(osserr.InvalidPartOrder, "parts must be listed in ascending order without repeats; part %d follows part %d", w.PartNumber, want[i-1].PartNumber)
		}
		h, ok := byNum[w.PartNumber]
		etag := strings.Trim(w.ETag, `"`)
		if !ok || !strings.EqualFold(etag, part(h).ETag) {
			return nil, osserr.New(osserr.InvalidPart, "part %d with ETag %q was not uploaded", w.PartNumber, etag)
		}
		chosen = append(chosen, h)
	}
	return chosen, nil
}

// MultipartETag is the ETag OSS gives an object made by
// CompleteMultipartUpload: the upper-case hex MD5 of the parts' binary MD5s
// (their ETags decoded) in order, then "-" and the part count. Clients
// compare it with their own computation, so every backend must build it the
// same way.
func MultipartETag[T any](parts []T, part func(T) Part) string {
	sum := md5.New()
	for _, p := range parts {
		raw, _ := hex.DecodeString(part(p).ETag)
		sum.Write(raw)
	}
	return fmt.Sprintf("%s-%d", ETag(sum.Sum(nil)), len(parts))
}

// DefaultMaxParts is the page size ListParts uses when the client names
// none (OSS's max-parts default).
const DefaultMaxParts = 1000

// PageSize is o.MaxParts, or DefaultMaxParts when it is not positive, so
// every backend cuts ListParts pages the same size.
func (o PartListOptions) PageSize() int {
	if o.MaxParts <= 0 {
		return DefaultMaxParts
	}
	return o.MaxParts
}
