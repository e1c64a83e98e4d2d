package sprite

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Seeking on awkward containers (enginetest.SeekClips: B-frames with an
// edit list, a TS whose clock starts late or wraps, VFR with an odd
// timescale, an index-less WebM cluster layout, all-keyframe MJPEG) picks
// exactly the frames that decoding straight through picks. Short GOPs make
// the sprite engine seek.
func TestRobustSpriteSeeking(t *testing.T) {
	t.Parallel()
	for key, make := range enginetest.SeekClips() {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			clip := make(t)
			store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{key: clip})}
			for _, process := range []string{
				"video/sprite,f_png,sw_32,inter_900,tw_3,th_2",
				"video/sprite,f_png,sw_32,ss_1100,inter_700,num_4,tw_2,th_2",
				"video/sprite,f_png,sw_32,m_avg,num_5,tw_3,th_2",
			} {
				t.Run(process, func(t *testing.T) {
					t.Parallel()
					run := func(seek bool) ([]string, *capture) {
						job := spParsed(t, enginetest.Job(t, store, key, process+enginetest.SaveAs("s-{index}.png")))
						ctx, cancel := context.WithTimeout(context.Background(), enginetest.Timeout)
						defer cancel()
						res, c, err := spRunJob(ctx, job, seek)
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
