package storage

import (
	"strings"
	"unicode/utf8"

	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/osserr"
)

// MaxKeyLength is OSS's limit on an object name, in bytes.
const MaxKeyLength = 1023

// ValidateObjectKey refuses the object names OSS refuses, plus the ones that
// could be mistaken for paths (a ".." segment) or truncate C strings (NUL), so
// that no backend ever has to reason about hostile names: empty, longer than
// 1023 bytes, not UTF-8, starting with '/' or '\', containing NUL or a ".."
// segment.
func ValidateObjectKey(key string) error {
	switch {
	case key == "":
		return osserr.New(osserr.InvalidObjectName, "the object name must not be empty")
	case len(key) > MaxKeyLength:
		return osserr.New(osserr.InvalidObjectName, "the object name is %d bytes long; at most %d are allowed", len(key), MaxKeyLength)
	case !utf8.ValidString(key):
		return osserr.New(osserr.InvalidObjectName, "the object name must be valid UTF-8")
	case key[0] == '/' || key[0] == '\\':
		return osserr.New(osserr.InvalidObjectName, "the object name must not start with '/' or '\\'")
	case strings.IndexByte(key, 0) >= 0:
		return osserr.New(osserr.InvalidObjectName, "the object name must not contain NUL")
	}
	for _, seg := range strings.FieldsFunc(key, func(r rune) bool { return r == '/' || r == '\\' }) {
		if seg == ".." {
			return osserr.New(osserr.InvalidObjectName, "the object name %q must not contain a '..' segment", key)
		}
	}
	return nil
}

// ValidateBucketName returns InvalidBucketName unless the name follows the
// OSS bucket naming rules (names.ValidBucketName).
func ValidateBucketName(name string) error {
	if !names.ValidBucketName(name) {
		return osserr.New(osserr.InvalidBucketName, "the bucket name %q is invalid: use 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit", name)
	}
	return nil
}
