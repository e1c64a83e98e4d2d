package mns

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSignV4Vector checks the V4 signature against one computed by the
// official Java MNS SDK's signer (aliyun-sdk-mns 2.0.0, MNSV4Signer) for
// PUT "queues/q 1/messages?ReceiptHandle=1-a-b-c&VisibilityTimeout=30"
// plus the parameter waitseconds=5, at 1796608729484 ms, region
// cn-hangzhou, with the headers below (Host and Date are not signed).
func TestSignV4Vector(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("Content-Type", "text/xml;charset=UTF-8")
	h.Set("Content-MD5", "XrY7u+Ae7tCTyyK7j1rNww==")
	h.Set("x-mns-version", "2015-06-06")
	h.Set("X-MNS-User-Request-Id", " abc ")
	h.Set("Host", "127.0.0.1:9100")
	h.Set("Date", "ignored")
	q := url.Values{"ReceiptHandle": {"1-a-b-c"}, "VisibilityTimeout": {"30"}, "waitseconds": {"5"}}
	canonical := CanonicalRequestV4("PUT", "/queues/q 1/messages", q, h)
	require.Equal(t, "PUT\n/queues/q%201/messages\nreceipthandle=1-a-b-c&visibilitytimeout=30&waitseconds=5\n"+
		"content-md5:XrY7u+Ae7tCTyyK7j1rNww==\ncontent-type:text/xml;charset=UTF-8\nx-mns-user-request-id:abc\nx-mns-version:2015-06-06\n\n",
		canonical)
	at := time.UnixMilli(1796608729484).Truncate(time.Second) // the Date header has whole seconds
	require.Equal(t, "26d90f4401bf4322595cc293006a01cd1ec58ceffc11c9c6f3d0a1f60433de04",
		SignV4("sk-secret", at, "cn-hangzhou", canonical))
}

func TestParseV4(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"Credential=ak/20261207/cn-hangzhou/mns/aliyun_v4_request,Signature=00ff", true},
		{"Credential=ak/20261207/cn-hangzhou/mns/aliyun_v4_request, Signature=00ff", true},
		{"Credential=ak/20261207/cn-hangzhou/oss/aliyun_v4_request,Signature=00ff", false},
		{"Credential=ak/2026127/cn-hangzhou/mns/aliyun_v4_request,Signature=00ff", false},
		{"Credential=/20261207/cn-hangzhou/mns/aliyun_v4_request,Signature=00ff", false},
		{"Credential=ak/20261207/cn-hangzhou/mns/aliyun_v4_request", false},
		{"Signature=00ff", false},
		{"", false},
	} {
		c, ok := parseV4(tc.in)
		require.Equal(t, tc.ok, ok, tc.in)
		if ok {
			require.Equal(t, v4Credential{AccessKeyID: "ak", Date: "20261207", Region: "cn-hangzhou", Signature: "00ff"}, c)
		}
	}
}

// FuzzAuthenticateV4: a request V4-signed with the emulator's secret over
// what it sends is accepted whatever its path and query; any other
// Credential/Signature text is refused, and nothing panics.
func FuzzAuthenticateV4(f *testing.F) {
	f.Add("queues/q/messages", "waitseconds=5", "Credential=x,Signature=y")
	f.Add("queues/q 1/messages", "ReceiptHandle=1-a%2Bb&visibilityTimeout=3", "Credential=ak/20261207/r/mns/aliyun_v4_request,Signature=00")
	f.Add("topics/t", "", ",,,=")
	s := &Server{cfg: Config{AccessKeyID: testAK, AccessKeySecret: testSK, MaxSkew: DefaultMaxSkew}, now: time.Now}
	f.Fuzz(func(t *testing.T, path, query, rest string) {
		target := "/" + url.PathEscape(path)
		if query != "" {
			target += "?" + url.PathEscape(query)
		}
		r, err := http.NewRequest("GET", "http://mns"+target, nil)
		if err != nil {
			return
		}
		now := time.Now().UTC().Truncate(time.Second)
		r.Header.Set("Date", now.Format(http.TimeFormat))
		r.Header.Set("x-mns-version", "2015-06-06")
		r.Header.Set("Authorization", V4Scheme+" "+rest)
		require.Error(t, s.authenticate(r))

		sig := SignV4(testSK, now, "cn-hangzhou", CanonicalRequestV4("GET", r.URL.Path, r.URL.Query(), r.Header))
		r.Header.Set("Authorization", V4Scheme+" Credential="+testAK+"/"+now.Format("20060102")+"/cn-hangzhou/mns/aliyun_v4_request,Signature="+sig)
		require.NoError(t, s.authenticate(r))
	})
}
