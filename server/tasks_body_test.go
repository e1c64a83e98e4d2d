package server

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestReadProcessBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
		err              string
	}{
		{"raw", "x-oss-async-process=video/sprite,f_jpg|sys/saveas,o_YS5qcGc", "video/sprite,f_jpg|sys/saveas,o_YS5qcGc", ""},
		{"plus stays plus", "x-oss-async-process=a|sys/saveas,o_ab+c/d==", "a|sys/saveas,o_ab+c/d==", ""},
		{"percent-decoded", "x-oss-async-process=a%7Csys%2Fsaveas,o_ab+c", "a|sys/saveas,o_ab+c", ""},
		{"lone percent kept", "x-oss-async-process=a%zz", "a%zz", ""},
		{"trailing newline", "x-oss-async-process=abc\n", "abc", ""},
		{"empty", "", "", "no x-oss-async-process parameter found"},
		{"no value", "x-oss-async-process=", "", "no x-oss-async-process parameter found"},
		{"wrong name", "x-oss-process=abc", "", "no x-oss-async-process parameter found"},
		{"too long", "x-oss-async-process=" + strings.Repeat("a", maxProcessBody), "", "exceeds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := readProcessBody(strings.NewReader(tc.body))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				_, ok := osserr.As(err)
				require.True(t, ok)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
