package sprite

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// The key and dhash capture modes on every input the sprite engine accepts:
// one sheet with at least its first cell filled (key mode decodes
// keyframes only, so containers that mark keyframes oddly show up here).
func TestRobustSpriteModes(t *testing.T) {
	t.Parallel()
	for _, tc := range enginetest.Cases() {
		if tc.Sprite != enginetest.OK {
			continue
		}
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{tc.Key: tc.Clip(t)})}
			for _, mode := range []string{"m_key,num_4", "m_dhash,inter_200,thr_10,num_4"} {
				t.Run(mode, func(t *testing.T) {
					t.Parallel()
					job := enginetest.Job(t, store, tc.Key, "video/sprite,f_png,tw_4,th_1,pad_0,margin_0,"+mode+enginetest.SaveAs("m-{index}.png"))
					res, err := enginetest.RunTask(t, New(engine.DefaultConfig()), job)
					require.NoError(t, err)
					require.Len(t, res.Outputs, 1)
					img, _ := enginetest.DecodeImage(t, res.Outputs[0])
					require.Equal(t, image.Pt(4*tc.W, tc.H), img.Bounds().Size())
					require.False(t, enginetest.Black(img, image.Rect(0, 0, tc.W, tc.H)), "first cell empty")
				})
			}
		})
	}
}
