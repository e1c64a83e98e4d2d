package parser

import (
	"strconv"

	"github.com/ossemu/ossemu/osserr"
)

// Every refusal is an *osserr.Error so the HTTP layer can answer 400 with the
// OSS error XML without knowing anything about the grammar. Messages quote
// the offending text so a caller can find it in a long process string.

// invalid builds an InvalidArgument error.
func invalid(format string, args ...any) *osserr.Error {
	return osserr.New(osserr.InvalidArgument, format, args...)
}

// missing builds a MissingArgument error for a required parameter of where
// (an action or segment name).
func missing(where, key string) *osserr.Error {
	return osserr.New(osserr.MissingArgument, "%s: parameter %s is required", where, key)
}

// outOfRange is the message format the issue asks for:
// "parameter X: value V out of range [a, b]".
func outOfRange(key, raw string, lo, hi int64) *osserr.Error {
	return invalid("parameter %s: value %s out of range [%s, %s]", key, quote(raw),
		strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10))
}

// notOneOf reports an enumerated parameter with a value outside its list.
func notOneOf(key, raw string, allowed string) *osserr.Error {
	return invalid("parameter %s: value %s is not one of %s", key, quote(raw), allowed)
}

// quote keeps messages readable for ordinary text but makes control
// characters and non-UTF-8 bytes visible.
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 || c == ' ' {
			return strconv.Quote(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}
