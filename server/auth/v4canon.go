package auth

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// canonicalURIV4 is "/bucket/key" RFC 3986-escaped with '/' kept, whatever
// the addressing style; "/bucket/" and "/" for bucket and service calls.
func canonicalURIV4(res Resource) string {
	if res.Bucket == "" {
		return "/"
	}
	return escapeV4("/"+res.Bucket+"/"+res.Key, true)
}

// canonicalHeadersV4 renders content-type, content-md5, every x-oss-* header
// and the additional headers as sorted "name:value\n" lines.
func canonicalHeadersV4(r *http.Request, additional []string) string {
	return canonicalHeaders(r, additional, true)
}

// canonicalHeaders renders every x-oss-* header, the additional headers and,
// when withContent (V4), content-type and content-md5.
func canonicalHeaders(r *http.Request, additional []string, withContent bool) string {
	extra := make(map[string]bool, len(additional))
	for _, a := range additional {
		extra[a] = true
	}
	values := make(map[string][]string)
	var names []string
	add := func(name string, vs ...string) {
		if _, ok := values[name]; !ok {
			names = append(names, name)
		}
		values[name] = append(values[name], vs...)
	}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		content := withContent && (lk == "content-type" || lk == "content-md5")
		if content || strings.HasPrefix(lk, "x-oss-") || extra[lk] {
			add(lk, vs...)
		}
	}
	// Go's server moves Host out of the header map; Content-Length may only
	// survive as r.ContentLength.
	if _, ok := values["host"]; extra["host"] && !ok && r.Host != "" {
		add("host", r.Host)
	}
	if _, ok := values["content-length"]; extra["content-length"] && !ok && r.ContentLength >= 0 {
		add("content-length", strconv.FormatInt(r.ContentLength, 10))
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(joinTrimmed(values[n]))
		b.WriteByte('\n')
	}
	return b.String()
}

// qpair is one canonical query pair.
type qpair struct {
	k, v  string // as rendered
	sortK string // what the signer sorted on
	eq    bool   // render "k=" even when v is empty
}

// canonicalQueriesV4 returns the distinct canonical query strings a signer
// may have used, the standard one first:
//   - decoded then re-encoded per RFC 3986, sorted by encoded key, a bare key
//     for an empty value (v1 and v2 Go SDKs, and their signer tests' vectors);
//   - the same but keeping "k=" where the wire had it (ali-oss signs "" as "k=");
//   - the wire bytes with '+' read as %20 (v2 signs its RawQuery as is, which
//     differs only when a client under-encodes);
//   - ali-oss's order: qs sorts the decoded keys with localeCompare.
func canonicalQueriesV4(q query, skipKey string) []string {
	var norm, keepEq, raw []qpair
	for _, p := range q {
		if skipKey != "" && p.key == skipKey {
			continue
		}
		ek, ev := escapeV4(p.key, false), escapeV4(p.val, false)
		norm = append(norm, qpair{k: ek, v: ev, sortK: ek})
		keepEq = append(keepEq, qpair{k: ek, v: ev, sortK: ek, eq: p.hasEq})
		rk := strings.ReplaceAll(p.rawKey, "+", "%20")
		raw = append(raw, qpair{k: rk, v: strings.ReplaceAll(p.rawVal, "+", "%20"), sortK: rk})
	}
	locale := make([]qpair, len(keepEq))
	copy(locale, keepEq)
	for i := range locale {
		locale[i].sortK = unescape(locale[i].k)
	}
	forms := []string{
		renderPairs(norm, byteLess),
		renderPairs(keepEq, byteLess),
		renderPairs(raw, byteLess),
		renderPairs(locale, localeLess),
	}
	out := forms[:1]
	for _, f := range forms[1:] {
		dup := false
		for _, o := range out {
			dup = dup || o == f
		}
		if !dup {
			out = append(out, f)
		}
	}
	return out
}

func byteLess(a, b string) bool { return a < b }

func renderPairs(ps []qpair, less func(a, b string) bool) string {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].sortK != ps[j].sortK {
			return less(ps[i].sortK, ps[j].sortK)
		}
		return ps[i].v < ps[j].v
	})
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		if p.v != "" || p.eq {
			b.WriteByte('=')
			b.WriteString(p.v)
		}
	}
	return b.String()
}

// icuPunct is ASCII punctuation and symbols in ICU root collation order,
// which sorts them before digits, and digits before letters.
const icuPunct = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"

// localeLess approximates JavaScript's String.prototype.localeCompare (ICU
// root collation) for ASCII keys: punctuation < digits < letters, letters
// case-insensitively first, lower case before upper case on ties.
func localeLess(a, b string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if wa, wb := icuWeight(a[i]), icuWeight(b[i]); wa != wb {
			return wa < wb
		}
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	// Tertiary difference only: lower case first.
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

func icuWeight(c byte) int {
	switch {
	case strings.IndexByte(icuPunct, c) >= 0:
		return strings.IndexByte(icuPunct, c)
	case '0' <= c && c <= '9':
		return 100 + int(c-'0')
	case 'a' <= c && c <= 'z':
		return 200 + int(c-'a')
	case 'A' <= c && c <= 'Z':
		return 200 + int(c-'A')
	default:
		return 300 + int(c)
	}
}
