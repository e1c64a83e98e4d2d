package auth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ossemu/ossemu/osserr"
)

// FuzzVerify throws arbitrary Authorization headers, queries, paths and
// dates at Verify, for the OSS schemes and the S3 ones (AWS4-HMAC-SHA256
// and "AWS ak:sig", header and presigned, with x-amz-date and
// x-amz-content-sha256). It must never panic, never accept (the verifier's secret
// is one no seed was signed with, and guessing an HMAC is out of reach), and
// always answer with a 4xx *osserr.Error.
//
//	go test ./server/auth/ -run '^$' -fuzz FuzzVerify -fuzztime 1m
func FuzzVerify(f *testing.F) {
	for _, vc := range validVectors() {
		r := vc.request()
		f.Add(r.Method, r.Header.Get("Authorization"), r.URL.RawQuery, vc.res.Bucket, vc.res.Key,
			r.Header.Get("Date"), r.Header.Get("x-oss-date"), r.Header.Get("Content-Type"), r.Header.Get("x-oss-additional"), "", "")
	}
	for _, sv := range s3Suite {
		r := sv.request(sv.signature)
		f.Add(r.Method, r.Header.Get("Authorization"), r.URL.RawQuery, "", "", "", "", r.Header.Get("Content-Type"), "",
			r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Content-Sha256"))
	}
	f.Add("PUT", "AWS4-HMAC-SHA256 Credential=ak/20231216/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length,Signature=4f23",
		"partNumber=1&uploadId=u", "b", "k", "", "", "", "", "20231216T162057Z", streamingSignedTrailer)
	f.Add("PUT", "AWS4-HMAC-SHA256 Credential=ak/20231216/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", "", "b", "k",
		"", "", "", "", "20231216T162057Z", streamingUnsignedTrailer)
	f.Add("GET", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ak%2F20231216%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20231216T162057Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeee",
		"b", "k", "", "", "", "", "", "")
	f.Add("GET", "AWS ak:bWq2s1WEIj+Ydj0vQ697zp+IXMU=", "acl", "b", "", "Sat, 16 Dec 2023 16:20:57 GMT", "", "", "", "Sat, 16 Dec 2023 16:20:57 GMT", "")
	f.Add("GET", "", "AWSAccessKeyId=ak&Expires=1702743700&Signature=NpgC%2B", "b", "k", "", "", "", "", "", "")
	f.Add("GET", "AWS4-HMAC-SHA256 Credential=,SignedHeaders=;;,Signature=", "X-Amz-Signature", "", "", "", "", "", "", "garbage", "UNSIGNED-PAYLOAD")
	f.Add("GET", "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host;content-length,Signature=00",
		"x-oss-async-process", "b", "k", "", "20231216T162057Z", "", "v", "", "")
	f.Add("POST", "", "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=ak%2F20231216%2Fr%2Foss%2Faliyun_v4_request&x-oss-date=20231216T162057Z&x-oss-expires=60&x-oss-signature=ab&x-oss-additional-headers=host",
		"", "", "", "", "", "", "", "")
	f.Add("GET", "OSS :", "OSSAccessKeyId=ak&Expires=1702743700&Signature=%ZZ&%", "b", "%2F..", "Sat, 16 Dec 2023 16:20:57 GMT", "", "", "", "", "")
	f.Add("PUT", "OSS2 AccessKeyId:ak,AdditionalHeaders:range;host,Signature:abc=", "uploads&partNumber=1", "b", "k",
		"Sat, 16 Dec 2023 16:20:57 GMT", "", "video/mp4", "bytes=0-1", "", "")
	f.Add("GET", "", "x-oss-signature-version=OSS2&x-oss-access-key-id=ak&x-oss-expires=1702743700&x-oss-signature=abc", "b", "", "", "", "", "", "", "")
	f.Add("GET", "OSS4-HMAC-SHA256 ,,,=,Credential=////", "a=b=c&&=&;", "", "", "garbage", "0", "x", "", "", "")

	v := New(Config{
		Credentials: Credentials{AccessKeyID: "ak", AccessKeySecret: "a secret no seed was signed with"},
		Now:         func() time.Time { return time.Unix(1702743657, 0) },
	})
	f.Fuzz(func(t *testing.T, method, authz, rawQuery, bucket, key, date, ossDate, contentType, extra, amzDate, contentSHA string) {
		r := &http.Request{
			Method: method,
			URL:    &url.URL{Path: "/" + bucket + "/" + key, RawQuery: rawQuery},
			Header: http.Header{},
			Host:   "127.0.0.1:9000",
		}
		set := func(k, val string) {
			if val != "" {
				r.Header[k] = []string{val}
			}
		}
		set("Authorization", authz)
		set("Date", date)
		set("X-Oss-Date", ossDate)
		set("Content-Type", contentType)
		set("X-Oss-Additional", extra)
		set("X-Amz-Date", amzDate)
		set("X-Amz-Content-Sha256", contentSHA)
		set("Host", extra)

		err := v.Verify(r, Resource{Bucket: bucket, Key: key})
		if err == nil {
			t.Fatalf("accepted a request not signed with the secret: %q %q %q", method, authz, rawQuery)
		}
		e, ok := osserr.As(err)
		if !ok {
			t.Fatalf("not an *osserr.Error: %T %v", err, err)
		}
		if e.Code.Status < 400 || e.Code.Status >= 500 {
			t.Fatalf("status %d for a client error: %v", e.Code.Status, err)
		}
		if Anonymous(r) && !osserr.Is(err, osserr.AccessDenied) {
			t.Fatalf("anonymous request answered %v", err)
		}
		if strings.TrimSpace(authz) == "" && v.VerifyBasic(r) == nil {
			t.Fatal("Basic auth accepted without credentials")
		}
	})
}
