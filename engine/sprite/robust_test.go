package sprite

import (
	"image"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// rbSpriteProcess captures one frame every 500 ms onto one 4×1 sheet.
const rbSpriteProcess = "video/sprite,f_png,tw_4,th_1,pad_0,margin_0,inter_500"

func rbCheckSprite(t *testing.T, tc enginetest.Case, clip string, store storage.Backend, avg bool) {
	process := rbSpriteProcess
	if avg {
		process = "video/sprite,f_png,tw_4,th_1,pad_0,margin_0,m_avg,num_3"
		tc.Cells, tc.Frames = 3, false
		if tc.AvgCells > 0 {
			tc.Cells = tc.AvgCells
		}
	}
	job := enginetest.Job(t, store, tc.Key, process+enginetest.SaveAs("sheet-{index}.png"))
	res, err := enginetest.RunTask(t, New(engine.DefaultConfig()), job)
	code := osserr.InvalidMedia
	if tc.SpriteCode.Name != "" {
		code = tc.SpriteCode
	}
	if tc.Sprite == enginetest.Invalid || (tc.Sprite == enginetest.OKorFail && err != nil) {
		enginetest.RequireFailure(t, res, err, code, enginetest.Bucket+"/"+tc.Key)
		return
	}
	require.NoError(t, err)
	require.NotEmpty(t, res.Outputs)
	img, format := enginetest.DecodeImage(t, res.Outputs[0])
	require.Equal(t, "png", format)
	require.Equal(t, image.Pt(4*tc.W, tc.H), img.Bounds().Size(), "sheet size")
	if tc.Sprite == enginetest.OKorFail {
		return
	}
	require.Len(t, res.Outputs, 1)
	if tc.Frames {
		cells := spCells(img, spParsed(t, job).Pipeline.Sprite, image.Pt(tc.W, tc.H), tc.Cells)
		spRequireFrames(t, clip, cells, spTimes(0, 500*time.Millisecond, tc.Cells), 6)
	}
	for i := 0; i < 4; i++ {
		cell := image.Rect(i*tc.W, 0, (i+1)*tc.W, tc.H)
		require.Equal(t, i < tc.Cells, !enginetest.Black(img, cell), "cell %d of %d filled", i+1, tc.Cells)
		if i >= tc.Cells {
			continue
		}
		cx := cell.Min.X + tc.W/2
		if tc.TopWhite {
			require.Greater(t, enginetest.Level(img, cx, tc.H/4), 200, "cell %d: top should be white", i+1)
			require.Less(t, enginetest.Level(img, cx, tc.H*3/4), 60, "cell %d: bottom should be black", i+1)
		}
		if tc.Gray > 0 {
			require.InDelta(t, tc.Gray, enginetest.Level(img, cx, tc.H/2), 6, "cell %d: full-range level", i+1)
		}
	}
}

// TestRobustInputs runs the sprite engine on every awkward input (inter
// and avg modes, by path and through custom AVIO) and checks the outcome:
// a correct result, or a clean InvalidMedia naming the object; never a
// panic, a hang or an error without an OSS code. engine/concat runs the
// same inputs.
func TestRobustInputs(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.Cases(), func(t *testing.T, tc enginetest.Case, clip string, store enginetest.PathStore) {
		for sname, s := range map[string]storage.Backend{"path": store, "avio": store.DirStore} {
			t.Run("sprite/"+sname, func(t *testing.T) {
				t.Parallel()
				rbCheckSprite(t, tc, clip, s, false)
			})
			t.Run("sprite-avg/"+sname, func(t *testing.T) {
				t.Parallel()
				rbCheckSprite(t, tc, clip, s, true)
			})
		}
	})
}
