package ffmpeg

import (
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Progress on clips whose clocks are awkward (wrapping TS, TS starting at
// 10 s, late audio, edit list, raw stream without timestamps) stays within
// 0–100, never goes back, and ends at 100.
func TestRobustProgress(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"wrap.ts", "offset.ts", "latea.mp4", "editlist.mp4", "raw.h264", "vfr600.mov"} {
		tc := rbCaseByKey(t, key)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := ctPathStore{ctNewStore(t, map[string]string{tc.key: tc.clip(t)})}
			for name, process := range map[string]string{
				"concat": "video/concat,f_mp4,vcodec_h264,acodec_aac" + ctSaveAs("o.mp4"),
				"sprite": "video/sprite,f_png,tw_4,th_1,m_avg,num_4" + ctSaveAs("s-{index}.png"),
			} {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					job := rbJob(t, store, tc.key, process)
					var mu sync.Mutex
					var seen []int
					job.Progress = func(p int) {
						mu.Lock()
						defer mu.Unlock()
						seen = append(seen, p)
					}
					var err error
					if name == "concat" {
						_, err = rbRunTask(t, NewConcat(Config{VideoPreset: "ultrafast"}), job)
					} else {
						_, err = rbRunTask(t, NewSprite(DefaultConfig()), job)
					}
					require.NoError(t, err)
					mu.Lock()
					defer mu.Unlock()
					require.NotEmpty(t, seen)
					require.True(t, sort.IntsAreSorted(seen), "progress went back: %v", seen)
					require.GreaterOrEqual(t, seen[0], 0)
					require.Equal(t, 100, seen[len(seen)-1], "%v", seen)
				})
			}
		})
	}
}
