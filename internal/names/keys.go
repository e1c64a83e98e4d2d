package names

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxObjectKeyLen is OSS's limit on an object name, in bytes.
const MaxObjectKeyLen = 1023

// ObjectKeyProblem returns why key is not an object name the stores accept,
// or "" when it is one. OSS refuses names that are empty, longer than 1,023
// bytes, not UTF-8, or that start with '/' or '\'; ossemu also refuses the
// names that could be mistaken for paths (a ".." segment between '/' or '\')
// or truncate C strings (NUL), so that no backend ever has to reason about
// hostile names. storage applies it to every write; the parser applies it
// to sys/saveas targets at submission, so a task never runs for hours only
// to be refused when it publishes.
func ObjectKeyProblem(key string) string {
	switch {
	case key == "":
		return "the object name must not be empty"
	case len(key) > MaxObjectKeyLen:
		return fmt.Sprintf("the object name is %d bytes long; at most %d are allowed", len(key), MaxObjectKeyLen)
	case !utf8.ValidString(key):
		return "the object name must be valid UTF-8"
	case key[0] == '/' || key[0] == '\\':
		return "the object name must not start with '/' or '\\'"
	case strings.IndexByte(key, 0) >= 0:
		return "the object name must not contain NUL"
	}
	for _, seg := range strings.FieldsFunc(key, func(r rune) bool { return r == '/' || r == '\\' }) {
		if seg == ".." {
			return fmt.Sprintf("the object name %q must not contain a '..' segment", key)
		}
	}
	return ""
}
