package ffmpeg

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// Seeking on awkward containers (B-frames with an edit list, a TS whose
// clock starts late or wraps, VFR with an odd timescale, an index-less
// WebM cluster layout, all-keyframe MJPEG) picks exactly the frames that
// decoding straight through picks. Short GOPs make the sprite engine seek.
func TestRobustSpriteSeeking(t *testing.T) {
	t.Parallel()
	gop := []string{"-g", "5", "-keyint_min", "5", "-sc_threshold", "0"}
	clips := map[string]func(testing.TB) string{
		"editlist.mp4": func(t testing.TB) string {
			src := inClip(t, "rb-seek-src.mp4", rbArgs(rbVideo("64x36", "25", "4.5"), rbTone("48000", "4.5"),
				[]string{"-c:v", "libx264", "-preset", "veryfast", "-bf", "3"}, gop, rbAAC)...)
			return inClip(t, "rb-seek-editlist.mp4", "-ss", "0.3", "-i", src, "-c", "copy")
		},
		"offset.ts": rbMake("rb-seek-offset.ts", rbVideo("64x36", "25", "4"), rbTone("48000", "4"), rbX264, gop, rbAAC,
			[]string{"-output_ts_offset", "10"}),
		"wrap.ts": rbMake("rb-seek-wrap.ts", rbVideo("64x36", "25", "4"), rbTone("48000", "4"), rbX264, gop, rbAAC,
			[]string{"-output_ts_offset", "95442.5"}),
		"vfr.mkv": rbMake("rb-seek-vfr.mkv", []string{"-f", "lavfi", "-i", "testsrc2=s=64x36:r=25:d=4,setpts='(N*0.04+0.012*sin(N))/TB'"},
			[]string{"-fps_mode", "vfr"}, rbX264, gop),
		"vp8.webm":  rbMake("rb-seek-vp8.webm", rbVideo("64x36", "25", "4"), []string{"-c:v", "libvpx", "-g", "5"}),
		"mjpeg.avi": rbMake("rb-seek-mjpeg.avi", rbVideo("64x36", "25", "4"), []string{"-c:v", "mjpeg"}),
	}
	for key, make := range clips {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			clip := make(t)
			store := ctPathStore{ctNewStore(t, map[string]string{key: clip})}
			for _, process := range []string{
				"video/sprite,f_png,sw_32,inter_900,tw_3,th_2",
				"video/sprite,f_png,sw_32,ss_1100,inter_700,num_4,tw_2,th_2",
				"video/sprite,f_png,sw_32,m_avg,num_5,tw_3,th_2",
			} {
				t.Run(process, func(t *testing.T) {
					t.Parallel()
					run := func(seek bool) ([]string, *capture) {
						job := rbJob(t, store, key, process+ctSaveAs("s-{index}.png"))
						ctx, cancel := context.WithTimeout(context.Background(), rbTimeout)
						defer cancel()
						res, c, err := NewSprite(DefaultConfig()).run(ctx, job, seek)
						require.NoError(t, err)
						var sheets []string
						for _, o := range res.Outputs {
							b, err := os.ReadFile(o.Path)
							require.NoError(t, err)
							sheets = append(sheets, string(b))
						}
						return sheets, c
					}
					seekSheets, seek := run(true)
					flatSheets, flat := run(false)
					require.NotEmpty(t, flat.Times)
					require.Positive(t, seek.Seeks, "the engine did not seek")
					require.Zero(t, flat.Seeks)
					require.Equal(t, flat.Times, seek.Times, "seeks: %d", seek.Seeks)
					require.Equal(t, len(flatSheets), len(seekSheets))
					for i := range flatSheets {
						require.True(t, flatSheets[i] == seekSheets[i], "sheet %d differs", i+1)
					}
				})
			}
		})
	}
}
