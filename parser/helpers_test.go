package parser

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// b64 is how the SDK samples in OSS's documentation encode names: URL-safe,
// padding trimmed.
func b64(s string) string {
	return strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(s)), "=")
}

// saveAs is a minimal valid saveas stage.
var saveAs = "|sys/saveas,o_" + b64("out.mp4")

// concatWith is a valid video/concat request around head parameters.
func concatWith(head string) string {
	return "video/concat," + head + saveAs
}

// spriteWith is a valid video/sprite request around its parameters.
func spriteWith(params string) string {
	return "video/sprite," + params + saveAs
}

// mustParse parses s and checks the round trip through String().
func mustParse(t *testing.T, s string) *Pipeline {
	t.Helper()
	p, err := Parse(s)
	require.NoError(t, err, s)
	again, err := Parse(p.String())
	require.NoError(t, err, p.String())
	require.Equal(t, p, again)
	return p
}

// mustFail parses s and checks the error's code and that its message
// contains every fragment.
func mustFail(t *testing.T, s string, code osserr.Code, fragments ...string) {
	t.Helper()
	p, err := Parse(s)
	require.Error(t, err, "%s parsed as %+v", s, p)
	e, ok := osserr.As(err)
	require.True(t, ok, "not an *osserr.Error: %v", err)
	require.Equal(t, code.Name, e.Code.Name, e.Message)
	for _, f := range fragments {
		require.Contains(t, e.Message, f)
	}
}

// pipelinesEqual is require.Equal's comparison without a *testing.T.
func pipelinesEqual(a, b *Pipeline) bool {
	return reflect.DeepEqual(a, b)
}
