package sprite

import (
	"fmt"
	"image"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Every scale type on extreme shapes (a single pixel, 4095×33, a rotated
// portrait, anamorphic-looking H.263) gives a JPEG sheet of the computed
// size: 64×64 cells, or for fit the fitted size (at least 1 px a side).
func TestRobustSpriteGeometry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key string
		fit image.Point
	}{
		{"dot.mp4", image.Pt(64, 64)},
		{"wide.mp4", image.Pt(64, 1)},
		{"rot270.mp4", image.Pt(36, 64)},
		{"old.3gp", image.Pt(64, 52)},
		{"17x9.mp4", image.Pt(64, 34)},
	} {
		c := enginetest.CaseByKey(t, tc.key)
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{tc.key: c.Clip(t)})}
			for _, st := range []string{"stretch", "crop", "fill", "fit"} {
				t.Run(st, func(t *testing.T) {
					t.Parallel()
					process := fmt.Sprintf("video/sprite,f_jpg,sw_64,sh_64,scaletype_%s,tw_2,th_2,pad_3,margin_1,num_3", st)
					res, err := enginetest.RunTask(t, New(engine.DefaultConfig()), enginetest.Job(t, store, tc.key, process+enginetest.SaveAs("g-{index}.jpg")))
					require.NoError(t, err)
					require.Len(t, res.Outputs, 1)
					img, format := enginetest.DecodeImage(t, res.Outputs[0])
					require.Equal(t, "jpeg", format)
					cell := image.Pt(64, 64)
					if st == "fit" {
						cell = tc.fit
					}
					want := image.Pt(2+2*cell.X+3, 2+2*cell.Y+3)
					require.Equal(t, want, img.Bounds().Size())
				})
			}
		})
	}
}
