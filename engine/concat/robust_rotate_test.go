package concat

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Every scale type on rotated phone clips: the output has the asked size
// (fit: the upright clip's aspect inside it) and the picture stays upright
// (engine/sprite checks its cells on the same clips).
func TestRobustRotatedScaleTypes(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.RotatedCases(t), func(t *testing.T, tc enginetest.Case, _ string, store enginetest.PathStore) {
		for _, c := range enginetest.RotatedSizes() {
			t.Run(c.ScaleType, func(t *testing.T) {
				t.Parallel()
				job := enginetest.Job(t, store, tc.Key, "video/concat,f_mp4,vcodec_h264,acodec_aac,s_64x64,scaletype_"+c.ScaleType+enginetest.SaveAs("o.mp4"))
				res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), job)
				require.NoError(t, err)
				w, h, y := ctGray(t, res.Outputs[0].Path, 0.5)
				require.Equal(t, [2]int{c.W, c.H}, [2]int{w, h})
				require.Greater(t, int(y[h/4*w+w/2]), 200, "top should be white")
				require.Less(t, int(y[h*3/4*w+w/2]), 60, "bottom should be black")
			})
		}
	})
}
