package auth

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// authFields splits the comma-separated "<name><sep><value>" list that
// follows the scheme in an OSS2 (sep ":"), OSS V4 or S3 SigV4 (sep "=")
// Authorization header into the values of the allowed names; any other
// name is refused with malformed.
func authFields(fields, sep string, malformed func(string, ...any) *osserr.Error, allowed ...string) (map[string]string, error) {
	out := make(map[string]string, len(allowed))
	for _, f := range strings.Split(fields, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(f), sep)
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if !slices.Contains(allowed, k) {
			return nil, malformed("unknown field %q", k)
		}
		out[k] = strings.TrimSpace(val)
	}
	return out, nil
}

// checkUnixExpiry checks a V1 or OSS2 presigned URL's expiry, absolute unix
// seconds in the query parameter name.
func (v *Verifier) checkUnixExpiry(name, exp string) error {
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return osserr.New(osserr.InvalidArgument, "%s must be unix seconds, got %q.", name, exp)
	}
	if now := v.now(); now.Unix() > secs {
		return errExpired(unixTime(secs), now)
	}
	return nil
}
