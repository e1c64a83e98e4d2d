package auth

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// canonicalURIsS3 returns the canonical URIs an S3 SigV4 signer may have
// used. S3 signs the path as sent (no dot-segment normalisation, encoded
// once), which is the bucket-less "/key" for a virtual-hosted request. The
// standard form re-encodes the decoded path per RFC 3986 with '/' kept; the
// second is the escaped path as it arrived, which differs when a client
// sent a '/' inside a key as %2F or left a reserved character unescaped.
func canonicalURIsS3(r *http.Request) []string {
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	out := []string{escapeV4(path, true)}
	if raw := r.URL.EscapedPath(); raw != "" && raw != out[0] {
		out = append(out, raw)
	}
	return out
}

// canonicalQueriesS3 returns the canonical query strings a SigV4 signer may
// have used, skipping skipKey (X-Amz-Signature): every pair RFC
// 3986-encoded, sorted by key then value, always "k=v" (a bare "uploads"
// is "uploads="). The pairs are decoded the form way first ('+' is a
// space, what every AWS SDK sends for a space) and, as a second form, the
// path way ('+' is a literal plus, for clients that leave it unescaped).
func canonicalQueriesS3(q query, skipKey string) []string {
	var form, plus []qpair
	for _, p := range q {
		if skipKey != "" && p.key == skipKey {
			continue
		}
		ek, ev := escapeV4(p.key, false), escapeV4(p.val, false)
		form = append(form, qpair{k: ek, v: ev, sortK: ek, eq: true})
		pk, pv := escapeV4(pathUnescape(p.rawKey), false), escapeV4(pathUnescape(p.rawVal), false)
		plus = append(plus, qpair{k: pk, v: pv, sortK: pk, eq: true})
	}
	a, b := renderPairs(form, byteLess), renderPairs(plus, byteLess)
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// pathUnescape decodes %XX but leaves '+' alone, keeping s verbatim when it
// is not valid percent-encoding.
func pathUnescape(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// canonicalHeadersS3 renders the signed headers, in the order the signer
// listed them, as "name:value\n" lines: values trimmed, inner runs of
// spaces collapsed, repeated headers joined with ",". Go's server keeps Host
// and, for chunked bodies, Transfer-Encoding out of the header map.
func canonicalHeadersS3(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		vals := r.Header.Values(name)
		if len(vals) == 0 {
			switch name {
			case "host":
				vals = []string{r.Host}
			case "content-length":
				if r.ContentLength >= 0 {
					vals = []string{strconv.FormatInt(r.ContentLength, 10)}
				}
			case "transfer-encoding":
				vals = []string{strings.Join(r.TransferEncoding, ",")}
			}
		}
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.Join(strings.Fields(v), " "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
