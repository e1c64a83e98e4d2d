package parser

import (
	"encoding/base64"
	"strings"
)

// decodeB64 decodes the value of an o_, b_ or topic_ parameter. OSS documents
// URL-safe base64 without padding, but SDK samples (Go's URLEncoding) send
// padding and hand-written requests use the standard alphabet, so both
// alphabets and optional padding are accepted. The bytes are kept exactly:
// `echo pre.mov | base64` names "pre.mov\n", and that is the key used.
func decodeB64(key, raw string) (string, error) {
	s := strings.TrimRight(raw, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	if strings.ContainsAny(s, "\r\n") {
		// The Go decoder skips newlines; a literal newline is not base64.
		return "", invalid("parameter %s: value %s is not valid base64", key, quote(raw))
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", invalid("parameter %s: value %s is not valid base64", key, quote(raw))
	}
	if len(b) == 0 {
		return "", invalid("parameter %s: value %s decodes to an empty string", key, quote(raw))
	}
	return string(b), nil
}

// encodeB64 is the canonical form String() writes: URL-safe, no padding.
func encodeB64(s string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}
