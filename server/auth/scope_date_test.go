package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// signV4At signs r (a V4 header request when query is false, else a
// presigned URL) at timestamp with a credential dated scopeDate: a genuine
// signature, computed with the secret, whatever the two dates say.
func signV4At(t *testing.T, r *http.Request, res Resource, scopeDate string, at time.Time, presign bool) {
	t.Helper()
	ts := at.UTC().Format(iso8601Basic)
	sc := scope{id: testID, date: scopeDate, region: "any-region", product: "oss", term: terminatorV4}
	cred := testID + "/" + sc.String()
	if presign {
		q := r.URL.Query()
		q.Set("x-oss-signature-version", algorithmV4)
		q.Set("x-oss-credential", cred)
		q.Set("x-oss-date", ts)
		q.Set("x-oss-expires", "600")
		r.URL.RawQuery = q.Encode()
	} else {
		r.Header.Set("x-oss-date", ts)
		r.Header.Set("x-oss-content-sha256", unsignedPayload)
	}
	cr := r.Method + "\n" + canonicalURIV4(res) + "\n" + canonicalQueriesV4(parseQuery(r.URL.RawQuery), "x-oss-signature")[0] +
		"\n" + canonicalHeadersV4(r, nil) + "\n\n" + unsignedPayload
	sum := sha256.Sum256([]byte(cr))
	sts := algorithmV4 + "\n" + ts + "\n" + sc.String() + "\n" + hex.EncodeToString(sum[:])
	sig := hex.EncodeToString(hmacSHA256(signingKeyV4(testSecret, sc), sts))
	if presign {
		r.URL.RawQuery += "&x-oss-signature=" + url.QueryEscape(sig)
	} else {
		r.Header.Set("Authorization", algorithmV4+" Credential="+cred+",Signature="+sig)
	}
}

// TestV4ScopeDateMustMatchTheRequestDate: a V4 credential dated another day
// than x-oss-date is refused (the signature itself is genuine), in headers
// and presigned URLs; any region is still accepted.
func TestV4ScopeDateMustMatchTheRequestDate(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	res := Resource{Bucket: "media", Key: "a.mp4"}
	for _, presign := range []bool{false, true} {
		for _, tc := range []struct {
			name string
			date string
			ok   bool
		}{
			{"same day", now.Format("20060102"), true},
			{"previous day", now.AddDate(0, 0, -1).Format("20060102"), false},
			{"next day", now.AddDate(0, 0, 1).Format("20060102"), false},
			{"another year", now.AddDate(-1, 0, 0).Format("20060102"), false},
		} {
			r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/media/a.mp4", nil)
			signV4At(t, r, res, tc.date, now, presign)
			err := liveVerifier(0).Verify(r, res)
			if tc.ok {
				require.NoError(t, err, "%s presign=%v", tc.name, presign)
				continue
			}
			require.True(t, osserr.Is(err, osserr.InvalidArgument), "%s presign=%v: %v", tc.name, presign, err)
			require.ErrorContains(t, err, "credential date")
		}
	}
}
