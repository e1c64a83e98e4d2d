package storage

import (
	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/osserr"
)

// MaxKeyLength is OSS's limit on an object name, in bytes.
const MaxKeyLength = names.MaxObjectKeyLen

// ValidateObjectKey returns InvalidObjectName for the object names no
// backend stores (names.ObjectKeyProblem: empty, longer than 1023 bytes,
// not UTF-8, starting with '/' or '\', containing NUL or a ".." segment).
func ValidateObjectKey(key string) error {
	if p := names.ObjectKeyProblem(key); p != "" {
		return osserr.New(osserr.InvalidObjectName, "%s", p)
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
