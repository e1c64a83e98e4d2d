package auth

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestPresignMatchesTheSDKVector(t *testing.T) {
	t.Parallel()
	v := verifierAt(time.Unix(1699807000, 0))
	got := v.Presign("GET", "bucket", "key", url.Values{"versionId": {"versionId"}}, "", time.Unix(1699807420, 0))
	require.Equal(t, "/bucket/key?versionId=versionId&OSSAccessKeyId=ak&Expires=1699807420&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D", got)
}

func TestPresignedRequestsVerify(t *testing.T) {
	t.Parallel()
	now := time.Now()
	v := verifierAt(now)
	exp := now.Add(time.Hour)
	for _, tc := range []struct {
		name, method, key, ctype string
		sub                      url.Values
	}{
		{"get", "GET", "a/b c+d/中文.mp4", "", nil},
		{"put", "PUT", "up/file.bin", "application/octet-stream", nil},
		{"async", "POST", "src.mkv", "text/plain", url.Values{"x-oss-async-process": {""}}},
		{"initiate", "POST", "big.bin", "application/octet-stream", url.Values{"uploads": {""}}},
		{"part", "PUT", "big.bin", "", url.Values{"uploadId": {"ABC"}, "partNumber": {"2"}}},
		{"download", "GET", "x.txt", "", url.Values{"response-content-disposition": {`attachment; filename="x.txt"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := v.Presign(tc.method, "bkt", tc.key, tc.sub, tc.ctype, exp)
			r := httptest.NewRequest(tc.method, u, nil)
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			require.Equal(t, "/bkt/"+tc.key, r.URL.Path)
			require.NoError(t, v.Verify(r, Resource{Bucket: "bkt", Key: tc.key}))

			r.Method = "DELETE" // a URL signed for one method is refused for another
			err := v.Verify(r, Resource{Bucket: "bkt", Key: tc.key})
			require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "%v", err)
		})
	}
}

func TestPresignExpires(t *testing.T) {
	t.Parallel()
	now := time.Now()
	v := verifierAt(now)
	u := v.Presign("GET", "bkt", "k", nil, "", now.Add(-time.Minute))
	err := v.Verify(httptest.NewRequest("GET", u, nil), Resource{Bucket: "bkt", Key: "k"})
	require.True(t, osserr.Is(err, osserr.AccessDenied), "%v", err)
}
