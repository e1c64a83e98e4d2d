package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// Quirks of SDKs that cannot run here (oss2) or whose exact output is hard
// to reach through their API (ali-oss's empty values and ordering). Each
// case spells out, by hand, the string that SDK's signer builds.

func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestSDKQuirks(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	rfc := now.Format(http.TimeFormat)
	iso := now.Format(iso8601Basic)
	sc := scope{id: "ak", date: "20240506", region: "cn-hangzhou", product: "oss", term: terminatorV4}
	v4sig := func(cr string) string {
		sts := algorithmV4 + "\n" + iso + "\n" + sc.String() + "\n" + hexSHA256(cr)
		return hex.EncodeToString(hmacSHA256(signingKeyV4("sk", sc), sts))
	}
	cases := []struct {
		name    string
		method  string
		url     string
		headers map[string]string
		res     Resource
	}{
		{
			// oss2's sub-resource list lacks x-oss-async-process.
			name: "oss2 V1 async process", method: "POST", url: "http://127.0.0.1/bucket/in.mp4?x-oss-async-process",
			headers: map[string]string{"Date": rfc, "Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==",
				"Authorization": "OSS ak:" + signV1("sk", "POST\n1B2M2Y8AsgTpgAmY7PhCfg==\n\n"+rfc+"\n/bucket/in.mp4")},
			res: Resource{"bucket", "in.mp4"},
		},
		{
			// ali-oss V1 sends x-oss-date and no Date, and signs x-oss-date in the DATE slot.
			name: "ali-oss V1 x-oss-date only", method: "GET", url: "http://127.0.0.1/clip.mp4",
			headers: map[string]string{"x-oss-date": rfc,
				"Authorization": "OSS ak:" + signV1("sk", "GET\n\n\n"+rfc+"\nx-oss-date:"+rfc+"\n/bucket/clip.mp4")},
			res: Resource{"bucket", "clip.mp4"},
		},
		{
			// oss2 V1 puts x-oss-date in the DATE slot even when Date is also sent.
			name: "oss2 V1 both dates differ", method: "GET", url: "http://127.0.0.1/bucket/clip.mp4",
			headers: map[string]string{"x-oss-date": rfc, "Date": now.Add(time.Second).Format(http.TimeFormat),
				"Authorization": "OSS ak:" + signV1("sk", "GET\n\n\n"+rfc+"\nx-oss-date:"+rfc+"\n/bucket/clip.mp4")},
			res: Resource{"bucket", "clip.mp4"},
		},
		{
			// ali-oss V4 (qs.stringify): "k=" for an empty value, keys in localeCompare order.
			name: "ali-oss V4 empty value and locale order", method: "GET", url: "http://127.0.0.1/bucket/?Zeta=2&a=&%2Bp=1",
			headers: map[string]string{"x-oss-date": iso, "x-oss-content-sha256": "UNSIGNED-PAYLOAD",
				"Authorization": "OSS4-HMAC-SHA256 Credential=ak/20240506/cn-hangzhou/oss/aliyun_v4_request,Signature=" +
					v4sig("GET\n/bucket/\n%2Bp=1&a=&Zeta=2\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:"+iso+"\n\n\nUNSIGNED-PAYLOAD")},
			res: Resource{"bucket", ""},
		},
		{
			// oss2 V4: ", "-separated fields, AdditionalHeaders last.
			name: "oss2 V4 field order", method: "PUT", url: "http://127.0.0.1/bucket/a%20b.mp4",
			headers: map[string]string{"x-oss-date": iso, "x-oss-content-sha256": "UNSIGNED-PAYLOAD", "Content-Type": "video/mp4", "Range": "bytes=0-1",
				"Authorization": "OSS4-HMAC-SHA256 Credential=ak/20240506/cn-hangzhou/oss/aliyun_v4_request, Signature=" +
					v4sig("PUT\n/bucket/a%20b.mp4\n\ncontent-type:video/mp4\nrange:bytes=0-1\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:"+iso+"\n\nrange\nUNSIGNED-PAYLOAD") +
					", AdditionalHeaders=range"},
			res: Resource{"bucket", "a b.mp4"},
		},
		{
			// A client that signs the Host header as an additional header; Go's
			// server moves Host out of the header map.
			name: "V4 host as additional header", method: "GET", url: "http://bucket.localhost:9000/k",
			headers: map[string]string{"x-oss-date": iso,
				"Authorization": "OSS4-HMAC-SHA256 Credential=ak/20240506/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=" +
					v4sig("GET\n/bucket/k\n\nhost:bucket.localhost:9000\nx-oss-date:"+iso+"\n\nhost\nUNSIGNED-PAYLOAD")},
			res: Resource{"bucket", "k"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			mk := func() *http.Request {
				r := httptest.NewRequest(c.method, c.url, nil)
				for k, v := range c.headers {
					r.Header.Set(k, v)
				}
				return r
			}
			require.NoError(t, verifierAt(now).Verify(mk(), c.res))
			other := New(Config{Credentials: Credentials{"ak", "sk2"}, Now: func() time.Time { return now }})
			require.True(t, osserr.Is(other.Verify(mk(), c.res), osserr.SignatureDoesNotMatch))
		})
	}
}

func TestSignedSubsets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		query string
		want  []string // canonical resources, union first
	}{
		{"", []string{"/b/k"}},
		{"prefix=a&max-keys=3&list-type=2", []string{"/b/k"}},
		{"uploadId=U&partNumber=2", []string{"/b/k?partNumber=2&uploadId=U"}},
		// Go SDKs sign x-oss-async-process, oss2 and Java do not.
		{"x-oss-async-process", []string{"/b/k?x-oss-async-process", "/b/k"}},
		{"acl&x-oss-async-process&resourceGroup=g", []string{
			"/b/k?acl&resourceGroup=g&x-oss-async-process", "/b/k?acl&resourceGroup=g",
			"/b/k?acl&x-oss-async-process", "/b/k?acl"}},
	}
	for _, c := range cases {
		q := parseQuery(c.query)
		var got []string
		for _, signed := range signedSubsets(q) {
			got = append(got, canonicalResourceV1(Resource{"b", "k"}, q, signed))
		}
		require.Equal(t, c.want, got, c.query)
	}
	// Too many disputed keys: the union, then each SDK's own list.
	q := parseQuery("x-oss-a&x-oss-b&x-oss-c&x-oss-d&x-oss-e&acl")
	require.Len(t, signedSubsets(q), 1+len(subresourceLists))
}

// TestOddHeaderMaps covers header maps a server never builds but a caller
// might (empty value lists, lower-case keys): no panic, a clear answer.
func TestOddHeaderMaps(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	r := httptest.NewRequest("GET", "http://127.0.0.1/b/k", nil)
	r.Header["X-Oss-Empty"] = []string{}
	r.Header["x-oss-meta-lower"] = []string{"v"}
	r.Header.Set("Date", now.Format(http.TimeFormat))
	r.Header.Set("Authorization", "OSS ak:"+signV1("sk", "GET\n\n\n"+now.Format(http.TimeFormat)+"\nx-oss-meta-lower:v\n/b/k"))
	require.NoError(t, verifierAt(now).Verify(r, Resource{"b", "k"}))
}
