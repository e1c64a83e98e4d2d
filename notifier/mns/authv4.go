package mns

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// V4Scheme is the Authorization scheme of MNS's V4 signature, which the Java
// MNS SDK sends with SignVersion.V4 (its recommended setting; V2 is
// deprecated there):
//
//	Authorization: MNS4-HMAC-SHA256 Credential=<ak>/<yyyymmdd>/<region>/mns/aliyun_v4_request,Signature=<hex>
const V4Scheme = "MNS4-HMAC-SHA256"

const (
	v4Product    = "mns"
	v4Terminator = "aliyun_v4_request"
	v4KeyPrefix  = "aliyun_v4"
)

// v4Credential is the parsed Credential and Signature of a V4 header.
type v4Credential struct {
	AccessKeyID, Date, Region, Signature string
}

// parseV4 reads "Credential=ak/date/region/mns/aliyun_v4_request,Signature=hex".
func parseV4(rest string) (v4Credential, bool) {
	var c v4Credential
	var scope string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope = v
		case "Signature":
			c.Signature = v
		}
	}
	f := strings.Split(scope, "/")
	if len(f) != 5 || f[0] == "" || len(f[1]) != 8 || f[2] == "" || f[3] != v4Product || f[4] != v4Terminator || c.Signature == "" {
		return c, false
	}
	c.AccessKeyID, c.Date, c.Region = f[0], f[1], f[2]
	return c, true
}

// CanonicalRequestV4 is the canonical form the V4 signature covers: the
// method; the path, percent-encoded except for "/"; the query with
// lower-cased names, sorted, "name=value" (or just "name" for an empty
// value); then Content-Type, Content-MD5 and the x-mns-* headers as sorted
// lower-case "name:value" lines, and an empty line.
func CanonicalRequestV4(method, path string, query url.Values, h http.Header) string {
	var b strings.Builder
	b.WriteString(method + "\n")
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	b.WriteString(encodeV4(path, true) + "\n")
	params := map[string]string{}
	for k, vs := range query {
		v := ""
		if len(vs) > 0 {
			v = strings.TrimSpace(vs[0])
		}
		params[encodeV4(strings.ToLower(strings.TrimSpace(k)), false)] = encodeV4(v, false)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if params[k] != "" {
			b.WriteString("=" + params[k])
		}
	}
	b.WriteByte('\n')
	var lines []string
	for k, vs := range h {
		lk := strings.ToLower(k)
		if (lk == "content-type" || lk == "content-md5" || strings.HasPrefix(lk, "x-mns-")) && len(vs) > 0 {
			lines = append(lines, lk+":"+strings.TrimSpace(vs[0])+"\n")
		}
	}
	sort.Strings(lines)
	b.WriteString(strings.Join(lines, "") + "\n")
	return b.String()
}

// encodeV4 percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (and "/"
// when keepSlash), upper-case hex, as the SDK's signer does.
func encodeV4(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', keepSlash && c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// SignV4 is the hex HMAC-SHA256 V4 signature of a canonical request made
// at t, scoped to region: the key is derived from "aliyun_v4"+secret by
// HMAC over the date, the region, "mns" and "aliyun_v4_request".
func SignV4(secret string, t time.Time, region, canonical string) string {
	t = t.UTC()
	date := t.Format("20060102")
	toSign := V4Scheme + "\n" + t.Format("20060102T150405Z") + "\n" +
		date + "/" + region + "/" + v4Product + "/" + v4Terminator + "\n" + canonical
	key := []byte(v4KeyPrefix + secret)
	for _, part := range []string{date, region, v4Product, v4Terminator} {
		key = hmacSHA256(key, part)
	}
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

// authenticateV4 checks a V4 Authorization header (the part after the
// scheme). The signing time is the Date header, which must fall on the
// credential's date; any region is accepted, as the emulator has one.
func (s *Server) authenticateV4(r *http.Request, rest string) error {
	c, ok := parseV4(rest)
	if !ok {
		return &Error{Code: "InvalidAuthorizationHeader", Status: http.StatusForbidden,
			Message: "The Authorization header must be \"" + V4Scheme + " Credential=<AccessKeyId>/<date>/<region>/mns/aliyun_v4_request,Signature=<hex>\"."}
	}
	if c.AccessKeyID != s.cfg.AccessKeyID {
		return &Error{Code: "InvalidAccessKeyId", Status: http.StatusForbidden, Message: "The AccessKeyId " + c.AccessKeyID + " is not the emulator's."}
	}
	t, err := s.requestTime(r)
	if err != nil {
		return err
	}
	if t.UTC().Format("20060102") != c.Date {
		return &Error{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden,
			Message: "The credential date " + c.Date + " is not the date of the Date header."}
	}
	canonical := CanonicalRequestV4(r.Method, r.URL.Path, r.URL.Query(), r.Header)
	if subtle.ConstantTimeCompare([]byte(SignV4(s.cfg.AccessKeySecret, t, c.Region, canonical)), []byte(c.Signature)) != 1 {
		return &Error{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden,
			Message: "The request signature we calculated does not match the signature you provided. Canonical request: " + strings.ReplaceAll(canonical, "\n", "\\n")}
	}
	return nil
}
