package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// mode is one of the four ways a request can carry a signature.
type mode string

const (
	v1Header mode = "V1 header"
	v4Header mode = "V4 header"
	v1Query  mode = "V1 presigned"
	v4Query  mode = "V4 presigned"
)

var allModes = []mode{v1Header, v4Header, v1Query, v4Query}

// signReq signs a request with the v2 SDK's own signer package, as that SDK
// would send it, at wall-clock time shifted by skew (header modes) or
// valid for ttl (presigned modes).
func signReq(t testing.TB, m mode, id, secret, method, target string, res Resource, skew, ttl time.Duration) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set("Content-Type", "video/mp4")
	r.Header.Set("x-oss-meta-author", "alice")
	cred := credentials.Credentials{AccessKeyID: id, AccessKeySecret: secret}
	sc := &signer.SigningContext{Request: r, Credentials: &cred, Product: ptrTo("oss"), Region: ptrTo("cn-hangzhou")}
	if res.Bucket != "" {
		sc.Bucket, sc.Key = ptrTo(res.Bucket), ptrTo(res.Key)
	}
	var s signer.Signer = &signer.SignerV1{}
	if m == v4Header || m == v4Query {
		s = &signer.SignerV4{}
	}
	if m == v1Query || m == v4Query {
		sc.AuthMethodQuery, sc.Time = true, time.Now().Add(ttl)
	} else {
		sc.Time = time.Now().Add(skew)
	}
	require.NoError(t, s.Sign(context.Background(), sc))
	return r
}

func ptrTo(s string) *string { return &s }

func liveVerifier(offset time.Duration) *Verifier {
	return New(Config{Credentials: Credentials{testID, testSecret}, Region: "cn-hangzhou",
		Now: func() time.Time { return time.Now().Add(offset) }})
}

func TestVerifyNegative(t *testing.T) {
	t.Parallel()
	obj := Resource{"media", "dir/clip 1.mp4"}
	const target = "http://127.0.0.1/media/dir/clip%201.mp4?versionId=v1"
	type tc struct {
		name   string
		modes  []mode
		build  func(t *testing.T, m mode) (*http.Request, Resource)
		offset time.Duration // verifier clock minus wall clock
		want   *osserr.Code  // nil: must verify
	}
	good := func(t *testing.T, m mode) (*http.Request, Resource) {
		return signReq(t, m, testID, testSecret, "GET", target, obj, 0, 10*time.Minute), obj
	}
	code := func(c osserr.Code) *osserr.Code { return &c }
	cases := []tc{
		{"valid", allModes, good, 0, nil},
		{"wrong secret", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			return signReq(t, m, testID, "wrong", "GET", target, obj, 0, 10*time.Minute), obj
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"unknown key id", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			return signReq(t, m, "LTAI-nobody", testSecret, "GET", target, obj, 0, 10*time.Minute), obj
		}, 0, code(osserr.InvalidAccessKeyID)},
		{"tampered x-oss header", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.Header.Set("x-oss-meta-author", "mallory")
			return r, res
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"added x-oss header", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.Header.Set("x-oss-object-acl", "public-read")
			return r, res
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"tampered content-type", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.Header.Set("Content-Type", "text/html")
			return r, res
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"tampered sub-resource value", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "versionId=v1", "versionId=v2", 1)
			return r, res
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"added sub-resource", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.URL.RawQuery += "&acl"
			return r, res
		}, 0, code(osserr.SignatureDoesNotMatch)},
		// V1 never signs listing parameters, V4 signs every parameter.
		{"added listing parameter V1", []mode{v1Header, v1Query}, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.URL.RawQuery += "&prefix=x"
			return r, res
		}, 0, nil},
		{"added listing parameter V4", []mode{v4Header, v4Query}, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.URL.RawQuery += "&prefix=x"
			return r, res
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"tampered key", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, _ := good(t, m)
			return r, Resource{"media", "dir/clip 2.mp4"}
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"tampered bucket", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, _ := good(t, m)
			return r, Resource{"other", "dir/clip 1.mp4"}
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"tampered method", allModes, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.Method = http.MethodDelete
			return r, res
		}, 0, code(osserr.SignatureDoesNotMatch)},
		{"clock 14m behind is accepted", []mode{v1Header, v4Header}, good, -14 * time.Minute, nil},
		{"clock 16m behind", []mode{v1Header, v4Header}, good, -16 * time.Minute, code(osserr.RequestTimeTooSkewed)},
		{"clock 16m ahead", []mode{v1Header, v4Header}, good, 16 * time.Minute, code(osserr.RequestTimeTooSkewed)},
		// Presigned URLs carry their own validity; skew does not apply.
		{"presigned used 9m later", []mode{v1Query, v4Query}, good, 9 * time.Minute, nil},
		{"presigned expired", []mode{v1Query, v4Query}, good, 11 * time.Minute, code(osserr.AccessDenied)},
		{"header and presign together", []mode{v1Query, v4Query}, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.Header.Set("Authorization", "OSS "+testID+":AAAA")
			return r, res
		}, 0, code(osserr.InvalidArgument)},
		{"no date header", []mode{v1Header, v4Header}, func(t *testing.T, m mode) (*http.Request, Resource) {
			r, res := good(t, m)
			r.Header.Del("Date")
			r.Header.Del("x-oss-date")
			return r, res
		}, 0, code(osserr.AccessDenied)},
	}
	for _, c := range cases {
		for _, m := range c.modes {
			t.Run(c.name+"/"+string(m), func(t *testing.T) {
				t.Parallel()
				r, res := c.build(t, m)
				err := liveVerifier(c.offset).Verify(r, res)
				if c.want == nil {
					require.NoError(t, err)
					return
				}
				require.True(t, osserr.Is(err, *c.want), "want %s, got %v", c.want.Name, err)
			})
		}
	}
}

func TestVerifyErrorDetails(t *testing.T) {
	t.Parallel()
	obj := Resource{"media", "a.mp4"}
	r := signReq(t, v1Header, testID, testSecret, "GET", "http://127.0.0.1/media/a.mp4", obj, -20*time.Minute, 0)
	err := liveVerifier(0).Verify(r, obj)
	require.True(t, osserr.Is(err, osserr.RequestTimeTooSkewed), "got %v", err)
	serverTime, perr := time.Parse(serverTimeFormat, field(t, err, "ServerTime"))
	require.NoError(t, perr)
	require.WithinDuration(t, time.Now(), serverTime, time.Minute)

	r = signReq(t, v4Query, testID, testSecret, "GET", "http://127.0.0.1/media/a.mp4", obj, 0, time.Minute)
	err = liveVerifier(2*time.Minute).Verify(r, obj)
	require.True(t, osserr.Is(err, osserr.AccessDenied), "got %v", err)
	require.Contains(t, err.Error(), "expired")

	r = signReq(t, v4Header, testID, "wrong", "PUT", "http://127.0.0.1/media/a.mp4", obj, 0, 0)
	err = liveVerifier(0).Verify(r, obj)
	require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "got %v", err)
	require.Contains(t, field(t, err, "CanonicalRequest"), "PUT\n/media/a.mp4\n")
	require.True(t, strings.HasPrefix(field(t, err, "StringToSign"), "OSS4-HMAC-SHA256\n"))
	require.Contains(t, r.Header.Get("Authorization"), field(t, err, "SignatureProvided"))
}

func TestAnonymous(t *testing.T) {
	t.Parallel()
	v := liveVerifier(0)
	for _, target := range []string{"http://127.0.0.1/media/a.mp4", "http://127.0.0.1/", "http://127.0.0.1/media/a.mp4?x-oss-async-process", "http://127.0.0.1/media/?acl&Expires=1"} {
		r := httptest.NewRequest("POST", target, strings.NewReader("x-oss-async-process=video/concat"))
		require.True(t, Anonymous(r), target)
		err := v.Verify(r, Resource{"media", "a.mp4"})
		require.True(t, osserr.Is(err, osserr.AccessDenied), "got %v", err)
		require.Contains(t, err.Error(), "anonymous")
	}
	for _, target := range []string{"http://127.0.0.1/media/a.mp4?OSSAccessKeyId=x", "http://127.0.0.1/a?x-oss-signature=1", "http://127.0.0.1/a?x-oss-credential=1"} {
		require.False(t, Anonymous(httptest.NewRequest("GET", target, nil)), target)
	}
	r := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
	r.Header.Set("Authorization", "OSS a:b")
	require.False(t, Anonymous(r))
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	date := now.Format(http.TimeFormat)
	day := now.Format("20060102")
	cases := []struct {
		name, authz, query string
		want               osserr.Code
	}{
		{"V1 without colon", "OSS " + testID, "", osserr.InvalidArgument},
		{"V1 empty signature", "OSS " + testID + ":", "", osserr.InvalidArgument},
		{"V1 empty id", "OSS :c2ln", "", osserr.InvalidAccessKeyID},
		{"unknown scheme", "Bearer abc", "", osserr.InvalidArgument},
		{"OSS2 wrong signature", "OSS2 AccessKeyId:" + testID + ",Signature:abc", "", osserr.SignatureDoesNotMatch},
		{"OSS2 no signature", "OSS2 AccessKeyId:" + testID, "", osserr.InvalidArgument},
		{"OSS2 unknown field", "OSS2 AccessKeyId:" + testID + ",Foo:1,Signature:abc", "", osserr.InvalidArgument},
		{"OSS2 unknown id", "OSS2 AccessKeyId:nobody,Signature:abc", "", osserr.InvalidAccessKeyID},
		{"V4 no fields", "OSS4-HMAC-SHA256", "", osserr.InvalidArgument},
		{"V4 no signature", "OSS4-HMAC-SHA256 Credential=" + testID + "/" + day + "/cn-hangzhou/oss/aliyun_v4_request", "", osserr.InvalidArgument},
		{"V4 short credential", "OSS4-HMAC-SHA256 Credential=" + testID + "/" + day + ",Signature=ab", "", osserr.InvalidArgument},
		{"V4 bad terminator", "OSS4-HMAC-SHA256 Credential=" + testID + "/" + day + "/cn-hangzhou/oss/aws4_request,Signature=ab", "", osserr.InvalidArgument},
		{"V4 bad day", "OSS4-HMAC-SHA256 Credential=" + testID + "/2023-1-1/cn-hangzhou/oss/aliyun_v4_request,Signature=ab", "", osserr.InvalidArgument},
		{"V4 unknown field", "OSS4-HMAC-SHA256 Credential=" + testID + "/" + day + "/cn-hangzhou/oss/aliyun_v4_request,Foo=1,Signature=ab", "", osserr.InvalidArgument},
		{"V4 unknown id", "OSS4-HMAC-SHA256 Credential=nobody/" + day + "/cn-hangzhou/oss/aliyun_v4_request,Signature=ab", "", osserr.InvalidAccessKeyID},
		{"V4 wrong signature", "OSS4-HMAC-SHA256 Credential=" + testID + "/" + day + "/cn-hangzhou/oss/aliyun_v4_request,Signature=ab", "", osserr.SignatureDoesNotMatch},
		{"V1 presign missing Expires", "", "OSSAccessKeyId=" + testID + "&Signature=abc", osserr.AccessDenied},
		{"V1 presign bad Expires", "", "OSSAccessKeyId=" + testID + "&Signature=abc&Expires=soon", osserr.InvalidArgument},
		{"V1 presign unknown id", "", "OSSAccessKeyId=nobody&Signature=abc&Expires=99999999999", osserr.InvalidAccessKeyID},
		{"V4 presign no version", "", "x-oss-credential=a&x-oss-signature=b", osserr.InvalidArgument},
		{"OSS2 presign missing expires", "", "x-oss-signature-version=OSS2&x-oss-access-key-id=" + testID + "&x-oss-signature=b", osserr.InvalidArgument},
		{"OSS2 presign unknown id", "", "x-oss-signature-version=OSS2&x-oss-access-key-id=nobody&x-oss-expires=99999999999&x-oss-signature=b", osserr.InvalidAccessKeyID},
		{"OSS2 presign expired", "", "x-oss-signature-version=OSS2&x-oss-access-key-id=" + testID + "&x-oss-expires=1000&x-oss-signature=b", osserr.AccessDenied},
		{"OSS2 presign wrong signature", "", "x-oss-signature-version=OSS2&x-oss-access-key-id=" + testID + "&x-oss-expires=99999999999&x-oss-signature=b", osserr.SignatureDoesNotMatch},
		{"unknown presign version", "", "x-oss-signature-version=OSS9&x-oss-signature=b", osserr.InvalidArgument},
		{"V4 presign missing date", "", "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=" + testID + "%2F" + day + "%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-expires=60&x-oss-signature=ab", osserr.InvalidArgument},
		{"V4 presign zero expires", "", "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=" + testID + "%2F" + day + "%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=" + now.Format(iso8601Basic) + "&x-oss-expires=0&x-oss-signature=ab", osserr.InvalidArgument},
		{"V4 presign eight days", "", "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=" + testID + "%2F" + day + "%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=" + now.Format(iso8601Basic) + "&x-oss-expires=691200&x-oss-signature=ab", osserr.InvalidArgument},
		{"V4 presign from the future", "", "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=" + testID + "%2F" + day + "%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=" + now.Add(time.Hour).Format(iso8601Basic) + "&x-oss-expires=60&x-oss-signature=ab", osserr.AccessDenied},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "http://127.0.0.1/media/a.mp4?"+c.query, nil)
			r.Header.Set("Date", date)
			if c.authz != "" {
				r.Header.Set("Authorization", c.authz)
			}
			err := liveVerifier(0).Verify(r, Resource{"media", "a.mp4"})
			require.True(t, osserr.Is(err, c.want), "want %s, got %v", c.want.Name, err)
		})
	}
}

func TestVerifyBasic(t *testing.T) {
	t.Parallel()
	v := liveVerifier(0)
	cases := []struct {
		name     string
		set      func(r *http.Request)
		wantCode *osserr.Code
	}{
		{"valid", func(r *http.Request) { r.SetBasicAuth(testID, testSecret) }, nil},
		{"wrong secret", func(r *http.Request) { r.SetBasicAuth(testID, "nope") }, &osserr.SignatureDoesNotMatch},
		{"unknown id", func(r *http.Request) { r.SetBasicAuth("nobody", testSecret) }, &osserr.InvalidAccessKeyID},
		{"none", func(r *http.Request) {}, &osserr.AccessDenied},
		{"other scheme", func(r *http.Request) { r.Header.Set("Authorization", "OSS a:b") }, &osserr.InvalidArgument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "http://127.0.0.1/_ossemu/tasks", nil)
			c.set(r)
			err := v.VerifyBasic(r)
			if c.wantCode == nil {
				require.NoError(t, err)
				return
			}
			require.True(t, osserr.Is(err, *c.wantCode), "want %s, got %v", c.wantCode.Name, err)
		})
	}
}
