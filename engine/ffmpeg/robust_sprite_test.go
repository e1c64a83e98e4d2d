package ffmpeg

import (
	"image"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// rbSpriteProcess captures one frame every 500 ms onto one 4×1 sheet.
const rbSpriteProcess = "video/sprite,f_png,tw_4,th_1,pad_0,margin_0,inter_500"

func rbCheckSprite(t *testing.T, tc rbCase, clip string, store storage.Backend, avg bool) {
	process := rbSpriteProcess
	if avg {
		process = "video/sprite,f_png,tw_4,th_1,pad_0,margin_0,m_avg,num_3"
		tc.cells, tc.frames = 3, false
		if tc.avgCells > 0 {
			tc.cells = tc.avgCells
		}
	}
	job := rbJob(t, store, tc.key, process+ctSaveAs("sheet-{index}.png"))
	res, err := rbRunTask(t, NewSprite(DefaultConfig()), job)
	code := osserr.InvalidMedia
	if tc.spriteCode.Name != "" {
		code = tc.spriteCode
	}
	if tc.sprite == rbInvalid || (tc.sprite == rbOKorFail && err != nil) {
		rbRequireFailure(t, res, err, code, ctBucket+"/"+tc.key)
		return
	}
	require.NoError(t, err)
	require.NotEmpty(t, res.Outputs)
	img, format := spDecode(t, res.Outputs[0])
	require.Equal(t, "png", format)
	require.Equal(t, image.Pt(4*tc.w, tc.h), img.Bounds().Size(), "sheet size")
	if tc.sprite == rbOKorFail {
		return
	}
	require.Len(t, res.Outputs, 1)
	if tc.frames {
		cells := spCells(img, job.Pipeline.Sprite, image.Pt(tc.w, tc.h), tc.cells)
		spRequireFrames(t, clip, cells, spTimes(0, 500*time.Millisecond, tc.cells), 6)
	}
	for i := 0; i < 4; i++ {
		cell := image.Rect(i*tc.w, 0, (i+1)*tc.w, tc.h)
		require.Equal(t, i < tc.cells, !rbBlack(img, cell), "cell %d of %d filled", i+1, tc.cells)
		if i >= tc.cells {
			continue
		}
		cx := cell.Min.X + tc.w/2
		if tc.topWhite {
			require.Greater(t, rbLevel(img, cx, tc.h/4), 200, "cell %d: top should be white", i+1)
			require.Less(t, rbLevel(img, cx, tc.h*3/4), 60, "cell %d: bottom should be black", i+1)
		}
		if tc.gray > 0 {
			require.InDelta(t, tc.gray, rbLevel(img, cx, tc.h/2), 6, "cell %d: full-range level", i+1)
		}
	}
}

// rbLevel is the red level (0–255) of a pixel.
func rbLevel(img image.Image, x, y int) int {
	r, _, _, _ := img.At(x, y).RGBA()
	return int(r >> 8)
}

// rbBlack reports whether every pixel of r is black.
func rbBlack(img image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r|g|b != 0 {
				return false
			}
		}
	}
	return true
}
