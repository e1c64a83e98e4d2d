package e2e

import (
	"image"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSpriteAwkwardSources makes sprites of the clips phones and editors
// produce, through the v1 SDK: rotation metadata (cells are upright), odd
// dimensions, variable frame rate and 10-bit HEVC. Cells keep the source's
// display aspect when only sw is given.
func TestSpriteAwkwardSources(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	b := e.bucketV1(t, "media")
	cases := []struct {
		clip       string
		w, h       int // display size, upright
		wantFrames int // inter_500 over the clip
	}{
		{"portrait.mp4", 180, 320, 4},
		{"odd.mp4", 321, 241, 4},
		{"vfr.mp4", 320, 180, 6},
		{"hevc10.mp4", 320, 180, 4},
	}
	for _, tc := range cases {
		require.NoError(t, b.PutObjectFromFile("in/"+tc.clip, videos+tc.clip))
	}
	for _, tc := range cases {
		t.Run(tc.clip, func(t *testing.T) {
			t.Parallel()
			// sw_90 only: the height follows the display aspect ratio.
			process := "video/sprite,f_png,sw_90,inter_500,tw_10,th_1,pad_0,margin_0|sys/saveas,o_" + enc("out/{barename}-{index}.{autoext}")
			v := submitV1(t, e, "media", "in/"+tc.clip, process)
			key := "out/" + tc.clip[:len(tc.clip)-4] + "-1.png"
			require.Equal(t, uris("media", []string{key}), targetURIs(v))
			img := downloadImage(t, b, key, "png")
			ch := img.Bounds().Dy()
			require.InDelta(t, float64(90*tc.h)/float64(tc.w), float64(ch), 1.01, "cell height keeps %dx%d", tc.w, tc.h)
			require.Equal(t, 900, img.Bounds().Dx())
			g := grid{cw: 90, ch: ch, tw: 10, th: 1}
			for i := range 10 {
				if i < tc.wantFrames {
					require.Greater(t, meanLuma(img, g.cell(i)), 20.0, "cell %d holds a frame", i)
				} else {
					require.Less(t, meanLuma(img, g.cell(i)), float64(emptyLuma), "cell %d is empty", i)
				}
			}
			if tc.clip == "portrait.mp4" {
				// Upright: white above, black below.
				c := g.cell(0)
				top := meanLuma(img, image.Rect(c.Min.X, c.Min.Y, c.Max.X, c.Min.Y+ch/2-5))
				bottom := meanLuma(img, image.Rect(c.Min.X, c.Min.Y+ch/2+5, c.Max.X, c.Max.Y))
				require.Greater(t, top, 200.0)
				require.Less(t, bottom, 40.0)
			}
		})
	}
}
