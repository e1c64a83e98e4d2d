package parser

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// Every refusal of an action says what ossemu performs; none sends the
// caller to a call that does not exist, and none is a retried 5xx.
func TestRefuseSync(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ process, want string }{
		{"video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_" + b64("o.mp4"),
			"video/concat is performed only asynchronously: send it with POST /<object>?x-oss-async-process"},
		{"video/sprite,f_jpg", "video/sprite is performed only asynchronously"},
		{"video/snapshot,t_1000,f_jpg", "ossemu does not perform video/snapshot, synchronously or asynchronously; it performs only video/concat and video/sprite, asynchronously (x-oss-async-process)"},
		{"image/resize,w_100", "ossemu does not perform image/resize,"},
		{"video/convert", "ossemu does not perform video/convert,"},
		{"", "x-oss-process names no action; ossemu performs only video/concat and video/sprite"},
	} {
		t.Run(tc.process, func(t *testing.T) {
			t.Parallel()
			err := RefuseSync(tc.process)
			require.Equal(t, osserr.InvalidArgument.Name, err.Code.Name)
			require.Equal(t, 400, err.Code.Status)
			require.Contains(t, err.Message, tc.want)
		})
	}
}

func TestUnknownActionSaysWhatIsPerformed(t *testing.T) {
	t.Parallel()
	for _, head := range []string{"video/snapshot,t_1000", "image/resize,w_100", "video/convert,f_mp4"} {
		action, _, _ := strings.Cut(head, ",")
		mustFail(t, head+saveAs, osserr.InvalidArgument, "unknown action "+action+": ossemu performs only "+
			"video/concat and video/sprite, asynchronously (x-oss-async-process)")
	}
}
