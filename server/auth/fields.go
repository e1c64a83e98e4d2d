package auth

import (
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// authFields splits the comma-separated "<name><sep><value>" list that
// follows the scheme in an OSS2 (sep ":", key field AccessKeyId) or V4
// (sep "=", key field Credential) Authorization header. Any field other
// than the key field, AdditionalHeaders and Signature is refused; scheme
// prefixes that error message ("OSS2 " or "").
func authFields(fields, sep, keyField, scheme string) (key, additional, sig string, err error) {
	for _, f := range strings.Split(fields, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(f), sep)
		switch strings.TrimSpace(k) {
		case keyField:
			key = strings.TrimSpace(val)
		case "AdditionalHeaders":
			additional = strings.TrimSpace(val)
		case "Signature":
			sig = strings.TrimSpace(val)
		case "":
		default:
			return "", "", "", errBadAuthorization("unknown %sfield %q", scheme, k)
		}
	}
	return key, additional, sig, nil
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
