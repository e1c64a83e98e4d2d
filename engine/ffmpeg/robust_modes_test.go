package ffmpeg

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"
)

// The key and dhash capture modes on every input the sprite engine accepts:
// one sheet with at least its first cell filled (key mode decodes
// keyframes only, so containers that mark keyframes oddly show up here).
func TestRobustSpriteModes(t *testing.T) {
	t.Parallel()
	for _, tc := range rbCases() {
		if tc.sprite != rbOK {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := ctPathStore{ctNewStore(t, map[string]string{tc.key: tc.clip(t)})}
			for _, mode := range []string{"m_key,num_4", "m_dhash,inter_200,thr_10,num_4"} {
				t.Run(mode, func(t *testing.T) {
					t.Parallel()
					job := rbJob(t, store, tc.key, "video/sprite,f_png,tw_4,th_1,pad_0,margin_0,"+mode+ctSaveAs("m-{index}.png"))
					res, err := rbRunTask(t, NewSprite(DefaultConfig()), job)
					require.NoError(t, err)
					require.Len(t, res.Outputs, 1)
					img, _ := spDecode(t, res.Outputs[0])
					require.Equal(t, image.Pt(4*tc.w, tc.h), img.Bounds().Size())
					require.False(t, rbBlack(img, image.Rect(0, 0, tc.w, tc.h)), "first cell empty")
				})
			}
		})
	}
}
