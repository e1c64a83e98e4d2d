package mns

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzAuthenticate: whatever the path, query and header values, a request
// signed with the emulator's secret over what it sends is accepted, the
// same request with one byte of the signature changed is refused, and
// nothing panics.
func FuzzAuthenticate(f *testing.F) {
	f.Add("queues/q/messages", "waitseconds=5", "2015-06-06", "application/xml", "")
	f.Add("topics/t/subscriptions/s", "", "x", "", "10")
	f.Add("queues", "ReceiptHandle=1-a%2Bb&VisibilityTimeout=3", "", "text/xml", "with space")
	s := &Server{cfg: Config{AccessKeyID: testAK, AccessKeySecret: testSK, MaxSkew: DefaultMaxSkew}, now: time.Now}
	f.Fuzz(func(t *testing.T, path, query, version, ctype, extra string) {
		target := "/" + url.PathEscape(path)
		if query != "" {
			target += "?" + url.PathEscape(query)
		}
		r, err := http.NewRequest("GET", "http://mns"+target, nil)
		if err != nil {
			return
		}
		r.RequestURI = r.URL.RequestURI()
		date := time.Now().UTC().Format(http.TimeFormat)
		r.Header.Set("Date", date)
		if ctype != "" && validHeader(ctype) {
			r.Header.Set("Content-Type", ctype)
		}
		if version != "" && validHeader(version) {
			r.Header.Set("x-mns-version", version)
		}
		if extra != "" && validHeader(extra) {
			r.Header.Set("x-mns-extra", extra)
		}
		sig := Sign(testSK, StringToSign("GET", r.Header, r.RequestURI))
		r.Header.Set("Authorization", "MNS "+testAK+":"+sig)
		require.NoError(t, s.authenticate(r))
		bad := []byte(sig)
		bad[0] ^= 1
		r.Header.Set("Authorization", "MNS "+testAK+":"+string(bad))
		require.Error(t, s.authenticate(r))
	})
}

// validHeader keeps values net/http would send unchanged (no control
// characters, no surrounding space).
func validHeader(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x21 || v[i] == 0x7f {
			return false
		}
	}
	return true
}

func TestContentMD5Encodings(t *testing.T) {
	t.Parallel()
	body := []byte("<Message><MessageBody>x</MessageBody></Message>")
	sum := md5.Sum(body)
	hx := hex.EncodeToString(sum[:])
	tests := []struct {
		header string
		ok     bool
	}{
		{"", true}, // not sent
		{base64.StdEncoding.EncodeToString([]byte(hx)), true}, // the Go SDK's
		{base64.StdEncoding.EncodeToString(sum[:]), true},     // RFC 1864
		{strings.ToUpper(hx), true},
		{base64.StdEncoding.EncodeToString([]byte("0" + hx[1:])), false},
		{"bogus", false},
	}
	for _, tc := range tests {
		err := checkContentMD5(tc.header, body)
		if tc.ok {
			require.NoError(t, err, tc.header)
		} else {
			require.Error(t, err, tc.header)
		}
	}
}
