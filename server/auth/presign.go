package auth

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Presign returns the path and query of a V1 presigned URL for method on
// bucket/key, valid until expires: the query is the given sub-resources
// plus OSSAccessKeyId, Expires (unix seconds, signed in the DATE slot) and
// Signature. contentType must be what the client will send (it is signed);
// a request through the URL passes Verify like any SDK's presigned request.
// Sub-resources are signed when the v1 Go SDK's list names them.
func (v *Verifier) Presign(method, bucket, key string, sub url.Values, contentType string, expires time.Time) string {
	var q query
	keys := make([]string, 0, len(sub))
	for k := range sub {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, val := range sub[k] {
			q = append(q, param{key: k, val: val, hasEq: val != ""})
		}
	}
	exp := strconv.FormatInt(expires.Unix(), 10)
	s := method + "\n\n" + contentType + "\n" + exp + "\n" +
		canonicalResourceV1(Resource{Bucket: bucket, Key: key}, q, subresourceLists[0])
	var b strings.Builder
	b.WriteString("/" + bucket + "/" + escapeV4(key, true) + "?")
	for _, p := range q {
		b.WriteString(escapeV4(p.key, false))
		if p.hasEq {
			b.WriteString("=" + escapeV4(p.val, false))
		}
		b.WriteByte('&')
	}
	b.WriteString("OSSAccessKeyId=" + escapeV4(v.cred.AccessKeyID, false) + "&Expires=" + exp +
		"&Signature=" + escapeV4(signV1(v.cred.AccessKeySecret, s), false))
	return b.String()
}
