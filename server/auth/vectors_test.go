package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// The vectors below are the official SDKs' own signer tests (v1
// oss/conn_test.go TestAuthV1Header/TestAuthV1Query/TestAuthV4*, v2
// oss/signer/signer_test.go), replayed as the requests a server receives.

// vector is one signed request and the resource the router resolved.
type vector struct {
	name    string
	method  string
	url     string
	headers [][2]string
	res     Resource
	now     time.Time
}

func (vc vector) request() *http.Request {
	r := httptest.NewRequest(vc.method, vc.url, nil)
	for _, h := range vc.headers {
		r.Header.Add(h[0], h[1])
	}
	return r
}

func verifierAt(now time.Time) *Verifier {
	return New(Config{
		Credentials: Credentials{AccessKeyID: "ak", AccessKeySecret: "sk"},
		Region:      "cn-hangzhou",
		Now:         func() time.Time { return now },
	})
}

var v1HeaderBase = [][2]string{
	{"Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="},
	{"Content-Type", "text/html"},
	{"x-oss-meta-author", "alice"},
	{"x-oss-meta-magic", "abracadabra"},
	{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"},
	{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"},
}

var v4Base = [][2]string{
	{"x-oss-head1", "value"}, {"abc", "value"}, {"ZAbc", "value"}, {"XYZ", "value"},
}

const v4Object = "http://bucket.oss-cn-hangzhou.aliyuncs.com/1234%2B-%2F123%2F1.txt"
const v4Params = "?param1=value1&%2Bparam1=value3&%7Cparam1=value4&%2Bparam2&%7Cparam2&param2"

func with(base [][2]string, more ...[2]string) [][2]string {
	return append(append([][2]string(nil), base...), more...)
}

func validVectors() []vector {
	t2022 := time.Date(2022, 12, 28, 10, 27, 41, 0, time.UTC)
	v4Key := Resource{"bucket", "1234+-/123/1.txt"}
	return []vector{
		{"v1 header object", "PUT", "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/nelson",
			with(v1HeaderBase, [2]string{"Authorization", "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M="}),
			Resource{"examplebucket", "nelson"}, t2022},
		{"v1 header acl", "PUT", "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/nelson?acl",
			with(v1HeaderBase, [2]string{"Authorization", "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk="}),
			Resource{"examplebucket", "nelson"}, t2022},
		{"v1 header unsigned param", "GET", "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/?resourceGroup&non-resousce=null",
			[][2]string{{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"}, {"Date", "Wed, 28 Dec 2022 10:27:41 GMT"},
				{"Authorization", "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs="}},
			Resource{"examplebucket", ""}, t2022},
		{"v1 header two subresources", "GET", "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/?resourceGroup&acl",
			[][2]string{{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"}, {"Date", "Wed, 28 Dec 2022 10:27:41 GMT"},
				{"Authorization", "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk="}},
			Resource{"examplebucket", ""}, t2022},
		{"v1 presigned", "GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/key?Expires=1699807420&OSSAccessKeyId=ak&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId",
			nil, Resource{"bucket", "key"}, time.Unix(1699807420-60, 0)},
		{"v1 presigned token", "GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/key%2B123?Expires=1699808204&OSSAccessKeyId=ak&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&versionId=versionId",
			nil, Resource{"bucket", "key+123"}, time.Unix(1699808204-60, 0)},
		{"v4 header", "PUT", v4Object + v4Params,
			with(v4Base, [2]string{"content-type", "text/plain"}, [2]string{"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
				[2]string{"x-oss-date", "20231216T162057Z"}, [2]string{"Date", "Sat, 16 Dec 2023 16:20:57 GMT"},
				[2]string{"Authorization", "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"}),
			v4Key, time.Unix(1702743657, 0)},
		{"v4 header token", "PUT", v4Object + v4Params,
			with(v4Base, [2]string{"content-type", "text/plain"}, [2]string{"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
				[2]string{"x-oss-date", "20231217T034736Z"}, [2]string{"Date", "Sun, 17 Dec 2023 03:47:36 GMT"},
				[2]string{"x-oss-security-token", "token"},
				[2]string{"Authorization", "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea"}),
			v4Key, time.Unix(1702784856, 0)},
		{"v4 header additional headers", "PUT", v4Object + v4Params,
			with(v4Base, [2]string{"content-type", "text/plain"}, [2]string{"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
				[2]string{"x-oss-date", "20231216T172512Z"}, [2]string{"Date", "Sat, 16 Dec 2023 17:25:12 GMT"},
				[2]string{"Authorization", "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f"}),
			v4Key, time.Unix(1702747512, 0)},
		{"v4 header cloudbox scope", "PUT", v4Object + v4Params,
			with(v4Base, [2]string{"content-type", "text/plain"}, [2]string{"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
				[2]string{"x-oss-date", "20231216T162057Z"},
				[2]string{"Authorization", "OSS4-HMAC-SHA256 Credential=ak/20231216/cb-123/oss-cloudbox/aliyun_v4_request,Signature=94ce1f12c17d148ea681030275a94449d3357f5b5b21133996eec80af3e08a43"}),
			v4Key, time.Unix(1702743657, 0)},
		{"v4 presigned", "PUT", v4Object + "?%2Bparam1=value3&%2Bparam2&param1=value1&param2&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z&x-oss-expires=599&x-oss-signature=a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe&x-oss-signature-version=OSS4-HMAC-SHA256&%7Cparam1=value4&%7Cparam2",
			with(v4Base, [2]string{"content-type", "application/octet-stream"}), v4Key, time.Unix(1702781677+10, 0)},
		{"v4 presigned token", "PUT", v4Object + "?%2Bparam1=value3&%2Bparam2&param1=value1&param2&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T035628Z&x-oss-expires=599&x-oss-security-token=token&x-oss-signature=3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5&x-oss-signature-version=OSS4-HMAC-SHA256&%7Cparam1=value4&%7Cparam2",
			with(v4Base, [2]string{"content-type", "application/octet-stream"}), v4Key, time.Unix(1702785388+10, 0)},
		{"v4 presigned additional headers", "PUT", v4Object + "?%2Bparam1=value3&%2Bparam2&param1=value1&param2&x-oss-additional-headers=abc%3Bzabc&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T033009Z&x-oss-expires=599&x-oss-signature=6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7&x-oss-signature-version=OSS4-HMAC-SHA256&%7Cparam1=value4&%7Cparam2",
			with(v4Base, [2]string{"content-type", "application/octet-stream"}), v4Key, time.Unix(1702783809+10, 0)},
	}
}

func TestVectorsVerify(t *testing.T) {
	t.Parallel()
	for _, vc := range validVectors() {
		t.Run(vc.name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, verifierAt(vc.now).Verify(vc.request(), vc.res))
			// The same request checked against another secret must fail with
			// SignatureDoesNotMatch: the vector is really being verified.
			other := New(Config{Credentials: Credentials{"ak", "not-sk"}, Now: func() time.Time { return vc.now }})
			err := other.Verify(vc.request(), vc.res)
			require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "got %v", err)
		})
	}
}

// field returns the value of an extra XML field of err.
func field(t *testing.T, err error, name string) string {
	t.Helper()
	e, ok := osserr.As(err)
	require.True(t, ok, "not an *osserr.Error: %v", err)
	for _, f := range e.Extra {
		if f.Name == name {
			return f.Value
		}
	}
	t.Fatalf("%s has no %s field (extra %v)", e.Code.Name, name, e.Extra)
	return ""
}

// TestVectorsStringToSign checks that ossemu builds exactly the strings to
// sign (V1) and canonical requests (V4) the SDKs' signer tests expect, by
// reading them back from the error a wrong signature produces.
func TestVectorsStringToSign(t *testing.T) {
	t.Parallel()
	t2022 := time.Date(2022, 12, 28, 10, 27, 41, 0, time.UTC)
	r := vector{method: "PUT", url: "http://examplebucket.oss-cn-hangzhou.aliyuncs.com/nelson",
		headers: with(v1HeaderBase, [2]string{"Authorization", "OSS ak:AAAAAAAAAAAAAAAAAAAAAAAAAAA="})}.request()
	err := verifierAt(t2022).Verify(r, Resource{"examplebucket", "nelson"})
	require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "got %v", err)
	require.Equal(t, "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson",
		field(t, err, "StringToSign"))
	require.Equal(t, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", field(t, err, "SignatureProvided"))

	r = httptest.NewRequest("GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/key?Expires=1699807420&OSSAccessKeyId=ak&Signature=bad&versionId=versionId", nil)
	err = verifierAt(time.Unix(1699807000, 0)).Verify(r, Resource{"bucket", "key"})
	require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "got %v", err)
	require.Equal(t, "GET\n\n\n1699807420\n/bucket/key?versionId=versionId", field(t, err, "StringToSign"))

	r = vector{method: "PUT", url: v4Object + v4Params, headers: with(v4Base,
		[2]string{"content-type", "text/plain"}, [2]string{"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
		[2]string{"x-oss-date", "20231216T162057Z"},
		[2]string{"Authorization", "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=00"})}.request()
	err = verifierAt(time.Unix(1702743657, 0)).Verify(r, Resource{"bucket", "1234+-/123/1.txt"})
	require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "got %v", err)
	require.Equal(t, "PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD",
		field(t, err, "CanonicalRequest"))
	require.Contains(t, field(t, err, "StringToSign"), "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n")
}
