package auth

import (
	"crypto/subtle"
	"net/http"
	"sort"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// S3 SigV2 ("AWS ak:sig", presigned AWSAccessKeyId/Expires/Signature) is
// OSS V1 with x-amz-* in place of x-oss-* and S3's sub-resource list:
// base64(HMAC-SHA1(secret, METHOD\nContent-MD5\nContent-Type\nDATE\n
// <x-amz-* headers><resource>)). The resource is the path as sent, with
// "/<bucket>" in front for a virtual-hosted request.

// s3V2Subresources are the query keys SigV2 signs (botocore's
// HmacV1Auth.QSAOfInterest, which includes rclone's and aws-sdk-go's).
var s3V2Subresources = setOf(
	"accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber",
	"policy", "requestPayment", "torrent", "versioning", "versionId", "versions", "website",
	"uploads", "uploadId", "response-content-type", "response-content-language",
	"response-expires", "response-cache-control", "response-content-disposition",
	"response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass",
	"notification", "replication", "analytics", "metrics", "inventory", "select",
	"select-type", "object-lock",
)

// verifyS3V2Header checks "Authorization: AWS <ak>:<base64 HMAC-SHA1>".
// When x-amz-date is sent a signer leaves the DATE slot empty (S3's rule)
// or, as some do, signs the Date header anyway; both are tried.
func (v *Verifier) verifyS3V2Header(r *http.Request, res Resource, q query, cred string) error {
	i := strings.LastIndexByte(cred, ':')
	if i < 0 {
		return errS3Malformed(`expected "AWS <AccessKeyId>:<Signature>".`)
	}
	id, sig := strings.TrimSpace(cred[:i]), strings.TrimSpace(cred[i+1:])
	if sig == "" {
		return errS3Malformed("the signature is empty.")
	}
	if err := v.checkS3Key(id); err != nil {
		return err
	}
	t, _, err := s3RequestTime(r.Header)
	if err != nil {
		return err
	}
	if err := v.checkTimeSkew(t); err != nil {
		return err
	}
	if err := v.matchS3V2(r, res, q, headerDatesV2(r.Header), id, sig); err != nil {
		return err
	}
	return v.attachV2Payload(r)
}

// dateForm is one way a SigV2 signer fills the DATE slot and the x-amz-*
// headers.
type dateForm struct {
	date    string
	noAmzDT bool // x-amz-date left out of the x-amz-* headers
}

// headerDatesV2 lists the DATE-slot forms: the Date header; with
// x-amz-date, an empty slot with x-amz-date among the x-amz-* headers
// (botocore, S3's rule), or x-amz-date's value in the slot and not among
// the headers (the S3 documentation's own DELETE example).
func headerDatesV2(h http.Header) []dateForm {
	amz := h.Get("x-amz-date")
	if amz == "" {
		return []dateForm{{date: h.Get("Date")}}
	}
	return []dateForm{{date: ""}, {date: amz, noAmzDT: true}, {date: h.Get("Date")}}
}

// verifyS3V2Query checks a SigV2 presigned URL: AWSAccessKeyId, Expires
// (absolute unix seconds, in the DATE slot) and Signature.
func (v *Verifier) verifyS3V2Query(r *http.Request, res Resource, q query) error {
	id, okID := q.get("AWSAccessKeyId")
	exp, okExp := q.get("Expires")
	sig, okSig := q.get("Signature")
	if !okID || !okExp || !okSig || sig == "" {
		return osserr.New(osserr.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters.")
	}
	if err := v.checkS3Key(id); err != nil {
		return err
	}
	if err := v.checkUnixExpiry("Expires", exp); err != nil {
		return err
	}
	sig = strings.ReplaceAll(sig, " ", "+")
	if err := v.matchS3V2(r, res, q, []dateForm{{date: exp}}, id, sig); err != nil {
		return err
	}
	return v.attachV2Payload(r)
}

// attachV2Payload checks an x-amz-checksum-* header against the body; SigV2
// signs no payload hash.
func (v *Verifier) attachV2Payload(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body, err := checksumHeader(r.Header, r.Body)
	if err != nil {
		return err
	}
	r.Body = readCloser{body, r.Body}
	return nil
}

// matchS3V2 tries the plausible resources and dates.
func (v *Verifier) matchS3V2(r *http.Request, res Resource, q query, dates []dateForm, id, provided string) error {
	head := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n"
	amz := [2]string{amzHeadersV2(r.Header, false), amzHeadersV2(r.Header, true)}
	first := ""
	for _, resource := range resourcesV2(r, res, q) {
		for _, d := range dates {
			s := head + d.date + "\n" + amz[boolIndex(d.noAmzDT)] + resource
			if first == "" {
				first = s
			}
			if subtle.ConstantTimeCompare([]byte(signV1(v.cred.AccessKeySecret, s)), []byte(provided)) == 1 {
				return nil
			}
		}
	}
	return errS3Mismatch(id, first, provided, "")
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// amzHeadersV2 renders every x-amz-* header (but x-amz-date when
// noAmzDate) as "name:value\n", sorted, repeated values joined with ",".
func amzHeadersV2(h http.Header, noAmzDate bool) string {
	var names []string
	for k := range h {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") && !(noAmzDate && lk == "x-amz-date") {
			names = append(names, lk)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(joinTrimmed(h.Values(n)))
		b.WriteByte('\n')
	}
	return b.String()
}

// resourcesV2 returns the canonical resources a SigV2 signer may have used:
// the path as it arrived and as re-encoded, each with and without
// "/<bucket>" in front (virtual-hosted requests sign it, path-style ones
// already have it), and "/<bucket>/" for a bucket call, followed by the signed sub-resources, sorted, with
// wire or decoded values.
func resourcesV2(r *http.Request, res Resource, q query) []string {
	paths := []string{r.URL.EscapedPath(), escapeV4(r.URL.Path, true)}
	if res.Bucket != "" {
		paths = append(paths, "/"+res.Bucket+paths[0], "/"+res.Bucket+paths[1])
	}
	if res.Bucket != "" && res.Key == "" {
		// botocore signs a bucket call as "/bucket/" whatever it sends.
		paths = append(paths, "/"+res.Bucket+"/")
	}
	var raw, dec []string
	for _, p := range q {
		if !s3V2Subresources[p.key] {
			continue
		}
		rv, dv := p.key, p.key
		if p.val != "" {
			rv += "=" + p.rawVal
			dv += "=" + p.val
		}
		raw, dec = append(raw, rv), append(dec, dv)
	}
	sort.Strings(raw)
	sort.Strings(dec)
	var out []string
	seen := map[string]bool{}
	for _, path := range paths {
		if path == "" {
			path = "/"
		}
		for _, sub := range [][]string{dec, raw} {
			s := path
			if len(sub) > 0 {
				s += "?" + strings.Join(sub, "&")
			}
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
