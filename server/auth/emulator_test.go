package auth

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestAuthenticateTakesBasicOrASignatureOverThePath(t *testing.T) {
	t.Parallel()
	now := time.Now()
	v := verifierAt(now)
	basic := httptest.NewRequest("GET", "/_ossemu/console/api/tasks", nil)
	basic.SetBasicAuth("ak", "sk")
	require.NoError(t, v.Authenticate(basic))
	basic.SetBasicAuth("ak", "wrong")
	require.Error(t, v.Authenticate(basic))

	// A presigned URL for "bucket" _ossemu and key tasks/x, as an SDK signs it.
	signed := httptest.NewRequest("GET", v.Presign("GET", "_ossemu", "tasks/x", nil, "", now.Add(time.Minute)), nil)
	require.NoError(t, v.Authenticate(signed))
	moved := httptest.NewRequest("GET", "/_ossemu/tasks/y?"+signed.URL.RawQuery, nil)
	require.True(t, osserr.Is(v.Authenticate(moved), osserr.SignatureDoesNotMatch), "the signature covers the path")
	require.True(t, osserr.Is(v.Authenticate(httptest.NewRequest("GET", "/_ossemu/tasks", nil)), osserr.AccessDenied))
}
