package parser

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// paramSet holds the key_value parameters of one segment after the generic
// checks (well-formed, known, not repeated). It is internal: the parser
// turns it into typed structs before returning.
type paramSet struct {
	where string // "video/concat", "/pre", … for messages
	vals  map[string]string
}

// base64Keys are the parameters whose values are base64 (standard alphabet
// allowed, so they may contain '/').
var base64Keys = map[string]bool{"o": true, "b": true, "topic": true}

// parseParams splits "k_v,k_v" (split at the first '_') and refuses empty
// entries, entries without '_' or with an empty key or value, keys not in
// allowed and repeated keys.
func parseParams(where, text string, allowed ...string) (paramSet, error) {
	ps := paramSet{where: where, vals: make(map[string]string)}
	if text == "" {
		return ps, nil
	}
	for _, kv := range strings.Split(text, ",") {
		key, val, ok := strings.Cut(kv, "_")
		switch {
		case kv == "":
			return ps, invalid("%s: empty parameter in %s", where, quote(text))
		case !ok || key == "" || val == "":
			return ps, invalid("%s: malformed parameter %s, expected key_value", where, quote(kv))
		case !contains(allowed, key):
			return ps, invalid("%s: unknown parameter %s", where, quote(key))
		}
		if i := strings.IndexByte(val, '/'); i >= 0 && !base64Keys[key] {
			// Only base64 values may hold '/'; anything else is a segment
			// this stage does not have.
			return ps, invalid("%s: unknown segment %s after %s_%s", where, quote(val[i:]), key, quote(val[:i]))
		}
		if _, dup := ps.vals[key]; dup {
			return ps, invalid("%s: duplicate parameter %s", where, quote(key))
		}
		ps.vals[key] = val
	}
	return ps, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// has reports whether key was given.
func (ps paramSet) has(key string) bool {
	_, ok := ps.vals[key]
	return ok
}

// str returns the raw value of key.
func (ps paramSet) str(key string) (string, bool) {
	v, ok := ps.vals[key]
	return v, ok
}

// require returns a MissingArgument error when key is absent.
func (ps paramSet) require(key string) error {
	if !ps.has(key) {
		return missing(ps.where, key)
	}
	return nil
}

// integer parses key as a decimal integer in [lo, hi]; def when absent.
func (ps paramSet) integer(key string, lo, hi, def int64) (int64, error) {
	raw, ok := ps.vals[key]
	if !ok {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, outOfRange(key, raw, lo, hi)
		}
		return 0, invalid("parameter %s: value %s is not an integer", key, quote(raw))
	}
	if n < lo || n > hi {
		return 0, outOfRange(key, raw, lo, hi)
	}
	return n, nil
}

// small is integer for parameters whose range fits an int.
func (ps paramSet) small(key string, lo, hi, def int) (int, error) {
	n, err := ps.integer(key, int64(lo), int64(hi), int64(def))
	return int(n), err
}

// maxMillis is the largest millisecond count a time.Duration can hold; the
// documents give ss, t and inter no upper bound.
const maxMillis = int64(math.MaxInt64 / int64(time.Millisecond))

// millis parses a non-negative millisecond count into a Duration.
func (ps paramSet) millis(key string, hi int64) (time.Duration, error) {
	n, err := ps.integer(key, 0, hi, 0)
	return time.Duration(n) * time.Millisecond, err
}

// float parses key as a plain decimal number ("25", "29.97", ".5"; no sign
// other than a leading '-', no exponent, no hex, no NaN or Inf) in
// [lo, hi], or (lo, hi] when loOpen.
func (ps paramSet) float(key string, lo, hi float64, loOpen bool) (float64, error) {
	raw := ps.vals[key]
	if !plainDecimal(raw) {
		return 0, invalid("parameter %s: value %s is not a decimal number", key, quote(raw))
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || f < lo || f > hi || (loOpen && f == lo) {
		open := "["
		if loOpen {
			open = "("
		}
		return 0, invalid("parameter %s: value %s out of range %s%s, %s]", key, quote(raw), open,
			strconv.FormatFloat(lo, 'f', -1, 64), strconv.FormatFloat(hi, 'f', -1, 64))
	}
	if f == 0 {
		f = 0 // turn -0 into 0 so String() never writes "-0"
	}
	return f, nil
}

// plainDecimal reports whether s is [-]digits[.digits] with at least one digit.
func plainDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// enum returns key's value when it is one of allowed; def when absent.
func (ps paramSet) enum(key, def string, allowed ...string) (string, error) {
	raw, ok := ps.vals[key]
	if !ok {
		return def, nil
	}
	if !contains(allowed, raw) {
		return "", notOneOf(key, raw, strings.Join(allowed, "|"))
	}
	return raw, nil
}

// flag parses a 0/1 parameter.
func (ps paramSet) flag(key string) (bool, error) {
	n, err := ps.integer(key, 0, 1, 0)
	return n == 1, err
}

// opt parses a 0/1/2 option (fpsopt, sopt, vbopt, abopt).
func (ps paramSet) opt(key string) (Opt, error) {
	n, err := ps.integer(key, 0, 2, 0)
	return Opt(n), err
}
