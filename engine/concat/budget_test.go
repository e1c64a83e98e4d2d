package concat

import (
	"testing"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
)

// Pictures over the pixel budget fail the task with InvalidMedia naming
// the object, its size and the budget, before frames of that size exist:
// declared by the container, by the stream, or after the first frames.
func TestPixelBudget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key  string
		clip func(testing.TB) string
	}{
		{"huge.mp4", enginetest.HugeMP4},
		{"huge.h264", enginetest.HugeH264},
		{"growing.h264", enginetest.GrowingH264},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{tc.key: tc.clip(t)})}
			res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), enginetest.Job(t, store, tc.key, "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("c.mp4")))
			enginetest.RequireFailure(t, res, err, osserr.InvalidMedia, enginetest.Bucket+"/"+tc.key, "16000x16000", "pixel budget of 36,000,000")
		})
	}
}
