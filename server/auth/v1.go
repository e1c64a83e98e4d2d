package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// verifyV1Header checks "Authorization: OSS <ak>:<base64 HMAC-SHA1>".
func (v *Verifier) verifyV1Header(r *http.Request, res Resource, q query, cred string) error {
	i := strings.LastIndexByte(cred, ':')
	if i < 0 {
		return errBadAuthorization(`expected "OSS <AccessKeyId>:<Signature>"`)
	}
	id, sig := strings.TrimSpace(cred[:i]), strings.TrimSpace(cred[i+1:])
	if sig == "" {
		return errBadAuthorization("the signature is empty")
	}
	if err := v.checkKey(id); err != nil {
		return err
	}
	if err := v.checkSkew(r.Header); err != nil {
		return err
	}
	return v.matchV1(r, res, q, headerDates(r.Header), sig)
}

// headerDates are the values a client may have put in the DATE slot: the Go
// SDKs use Date, ali-oss (which cannot rely on Date in browsers) uses
// x-oss-date.
func headerDates(h http.Header) []string {
	var out []string
	if d := h.Get("Date"); d != "" {
		out = append(out, d)
	}
	if d := h.Get("x-oss-date"); d != "" && (len(out) == 0 || out[0] != d) {
		out = append(out, d)
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// verifyV1Query checks a V1 presigned URL: OSSAccessKeyId, Expires (absolute
// unix seconds, signed in the DATE slot) and Signature.
func (v *Verifier) verifyV1Query(r *http.Request, res Resource, q query) error {
	id, okID := q.get("OSSAccessKeyId")
	exp, okExp := q.get("Expires")
	sig, okSig := q.get("Signature")
	if !okID || !okExp || !okSig || sig == "" {
		return osserr.New(osserr.AccessDenied, "Presigned URLs require the OSSAccessKeyId, Expires and Signature parameters.")
	}
	if err := v.checkKey(id); err != nil {
		return err
	}
	if err := v.checkUnixExpiry("Expires", exp); err != nil {
		return err
	}
	// A client that forgot to escape the base64 signature sends '+', which
	// query decoding turned into a space.
	sig = strings.ReplaceAll(sig, " ", "+")
	return v.matchV1(r, res, q, []string{exp}, sig)
}

// matchV1 tries every plausible V1 string to sign and accepts the request
// when one of them, signed with the secret, equals provided.
func (v *Verifier) matchV1(r *http.Request, res Resource, q query, dates []string, provided string) error {
	head := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n"
	headerForms := ossHeadersV1(r.Header)
	seen := make(map[string]bool)
	first := ""
	for _, signed := range signedSubsets(q) {
		resource := canonicalResourceV1(res, q, signed)
		for _, date := range dates {
			for _, hdrs := range headerForms {
				s := head + date + "\n" + hdrs + resource
				if seen[s] {
					continue
				}
				seen[s] = true
				if first == "" {
					first = s
				}
				if subtle.ConstantTimeCompare([]byte(signV1(v.cred.AccessKeySecret, s)), []byte(provided)) == 1 {
					return nil
				}
			}
		}
	}
	return errMismatch(first, provided, "")
}

// signV1 is base64(HMAC-SHA1(secret, s)).
func signV1(secret, s string) string {
	h := hmac.New(sha1.New, []byte(secret))
	h.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// ossHeadersV1 renders every x-oss-* header as "name:value\n", sorted. A
// repeated header is joined with "," (v2 SDK) and, as a second form, cut to
// its first value (v1 SDK).
func ossHeadersV1(h http.Header) []string {
	values := make(map[string][]string)
	var names []string
	multi := false
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-oss-") || len(vs) == 0 {
			continue
		}
		if _, ok := values[lk]; !ok {
			names = append(names, lk)
		}
		values[lk] = append(values[lk], vs...)
		multi = multi || len(values[lk]) > 1
	}
	sort.Strings(names)
	render := func(firstOnly bool) string {
		var b strings.Builder
		for _, n := range names {
			vs := values[n]
			if firstOnly {
				vs = vs[:1]
			}
			b.WriteString(n)
			b.WriteByte(':')
			b.WriteString(joinTrimmed(vs))
			b.WriteByte('\n')
		}
		return b.String()
	}
	if multi {
		return []string{render(false), render(true)}
	}
	return []string{render(false)}
}

// joinTrimmed trims each header value and joins them with ",".
func joinTrimmed(vs []string) string {
	if len(vs) == 1 {
		return strings.TrimSpace(vs[0])
	}
	t := make([]string, len(vs))
	for i, v := range vs {
		t[i] = strings.TrimSpace(v)
	}
	return strings.Join(t, ",")
}

// canonicalResourceV1 is "/", "/bucket/" or "/bucket/<key>" plus the signed
// sub-resources, sorted, "k" or "k=v" with decoded values.
func canonicalResourceV1(res Resource, q query, signed func(key string) bool) string {
	var b strings.Builder
	b.WriteByte('/')
	if res.Bucket != "" {
		b.WriteString(res.Bucket)
		b.WriteByte('/')
		b.WriteString(res.Key)
	}
	vals := make(map[string]string)
	var keys []string
	for _, p := range q {
		if _, dup := vals[p.key]; dup || !signed(p.key) {
			continue
		}
		vals[p.key] = p.val
		keys = append(keys, p.key)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if vals[k] != "" {
			b.WriteByte('=')
			b.WriteString(vals[k])
		}
	}
	return b.String()
}
