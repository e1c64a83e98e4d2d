package auth

import (
	"net/url"
	"strings"
)

// param is one query parameter as it arrived and as decoded. Signers differ
// on whether they sign the wire form or the decoded form, and on whether
// "k=" and "k" are the same, so both are kept.
type param struct {
	rawKey, rawVal string // exactly as on the wire ('+' not yet touched)
	key, val       string // percent-decoded, '+' as space
	hasEq          bool   // the wire form had '=' (even with an empty value)
}

// query is the parameters in wire order; duplicates are kept.
type query []param

// parseQuery splits a raw query without dropping anything: url.ParseQuery
// discards pairs with bad escapes, but a signer may well have signed them.
func parseQuery(raw string) query {
	var q query
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		k, val, eq := strings.Cut(part, "=")
		q = append(q, param{rawKey: k, rawVal: val, key: unescape(k), val: unescape(val), hasEq: eq})
	}
	return q
}

// unescape decodes a query component, keeping it verbatim when it is not
// valid percent-encoding.
func unescape(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// get returns the first decoded value of key.
func (q query) get(key string) (string, bool) {
	for _, p := range q {
		if p.key == key {
			return p.val, true
		}
	}
	return "", false
}

// hasAny reports whether any of keys is present.
func (q query) hasAny(keys ...string) bool {
	for _, p := range q {
		for _, k := range keys {
			if p.key == k {
				return true
			}
		}
	}
	return false
}

// unreserved marks the RFC 3986 characters V4 leaves unescaped.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// escapeV4 is RFC 3986 percent-encoding with upper-case hex; '/' is kept
// when keepSlash (the canonical URI), escaped otherwise (query parts).
func escapeV4(s string, keepSlash bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || c == '/' && keepSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
