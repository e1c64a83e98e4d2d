package sprite

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Every scale type on rotated phone clips: the cell has the asked size
// (fit: the upright clip's aspect inside it) and the picture stays upright
// (engine/concat checks its output on the same clips).
func TestRobustRotatedScaleTypes(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.RotatedCases(t), func(t *testing.T, tc enginetest.Case, _ string, store enginetest.PathStore) {
		for _, c := range enginetest.RotatedSizes() {
			t.Run("sprite/"+c.ScaleType, func(t *testing.T) {
				t.Parallel()
				job := enginetest.Job(t, store, tc.Key, "video/sprite,f_png,sw_64,sh_64,tw_1,th_1,pad_0,margin_0,num_1,scaletype_"+c.ScaleType+enginetest.SaveAs("s-{index}.png"))
				res, err := enginetest.RunTask(t, New(engine.DefaultConfig()), job)
				require.NoError(t, err)
				img, _ := enginetest.DecodeImage(t, res.Outputs[0])
				w, h := img.Bounds().Dx(), img.Bounds().Dy()
				require.Equal(t, [2]int{c.W, c.H}, [2]int{w, h})
				require.Greater(t, enginetest.Level(img, w/2, h/4), 200, "top should be white")
				require.Less(t, enginetest.Level(img, w/2, h*3/4), 60, "bottom should be black")
			})
		}
	})
}
