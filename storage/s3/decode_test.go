package s3

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

func TestDecodeKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		enc      types.EncodingType
		in, want string
	}{
		{types.EncodingTypeUrl, "ctl%01key", "ctl\x01key"},
		{types.EncodingTypeUrl, "a%2Bb+c", "a+b c"},
		{types.EncodingTypeUrl, "%E4%B8%AD/x", "中/x"},
		{"", "a+b c", "a+b c"},
		{"", "100%", "100%"},
		{types.EncodingTypeUrl, "bad%zz", "bad%zz"},
	} {
		require.Equal(t, c.want, decodeKey(c.enc, c.in), c.in)
	}
}
