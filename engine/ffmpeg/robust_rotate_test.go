package ffmpeg

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every scale type on rotated phone clips, in both engines: the output or
// cell has the asked size (fit: the upright clip's aspect inside it) and
// the picture stays upright.
func TestRobustRotatedScaleTypes(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"rot90.mp4", "rot180.mp4", "rot270.mp4", "iphone.mp4"} {
		tc := rbCaseByKey(t, key)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := ctPathStore{ctNewStore(t, map[string]string{tc.key: tc.clip(t)})}
			for _, c := range []struct {
				st   string
				w, h int
			}{{"stretch", 64, 64}, {"crop", 64, 64}, {"fill", 64, 64}, {"fit", 36, 64}} {
				t.Run(c.st, func(t *testing.T) {
					t.Parallel()
					job := rbJob(t, store, tc.key, "video/concat,f_mp4,vcodec_h264,acodec_aac,s_64x64,scaletype_"+c.st+ctSaveAs("o.mp4"))
					res, err := rbRunTask(t, NewConcat(Config{VideoPreset: "ultrafast"}), job)
					require.NoError(t, err)
					w, h, y := ctGray(t, res.Outputs[0].Path, 0.5)
					require.Equal(t, [2]int{c.w, c.h}, [2]int{w, h})
					require.Greater(t, int(y[h/4*w+w/2]), 200, "top should be white")
					require.Less(t, int(y[h*3/4*w+w/2]), 60, "bottom should be black")
				})
				t.Run("sprite/"+c.st, func(t *testing.T) {
					t.Parallel()
					job := rbJob(t, store, tc.key, "video/sprite,f_png,sw_64,sh_64,tw_1,th_1,pad_0,margin_0,num_1,scaletype_"+c.st+ctSaveAs("s-{index}.png"))
					res, err := rbRunTask(t, NewSprite(DefaultConfig()), job)
					require.NoError(t, err)
					img, _ := spDecode(t, res.Outputs[0])
					w, h := img.Bounds().Dx(), img.Bounds().Dy()
					require.Equal(t, [2]int{c.w, c.h}, [2]int{w, h})
					require.Greater(t, rbLevel(img, w/2, h/4), 200, "top should be white")
					require.Less(t, rbLevel(img, w/2, h*3/4), 60, "bottom should be black")
				})
			}
		})
	}
}
