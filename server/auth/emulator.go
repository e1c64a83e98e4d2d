package auth

import (
	"net/http"
	"strings"
)

// Authenticate checks a request to one of the emulator's own endpoints
// (path /_ossemu/…): HTTP Basic with the key pair (`curl -u id:secret`), or
// an OSS signature computed as if the first path segment ("_ossemu") were
// a bucket and the rest of the path its key, which is what an SDK's
// presigner produces for that URL. The task API and the web console's data
// API both take exactly these credentials.
func (v *Verifier) Authenticate(r *http.Request) error {
	if scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " "); strings.EqualFold(scheme, "Basic") {
		return v.VerifyBasic(r)
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return v.Verify(r, Resource{Bucket: bucket, Key: key})
}
