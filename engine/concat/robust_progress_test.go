package concat

import (
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Progress on clips whose clocks are awkward (wrapping TS, TS starting at
// 10 s, late audio, edit list, raw stream without timestamps) stays within
// 0–100, never goes back, and ends at 100.
func TestRobustProgress(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"wrap.ts", "offset.ts", "latea.mp4", "editlist.mp4", "raw.h264", "vfr600.mov"} {
		tc := enginetest.CaseByKey(t, key)
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{tc.Key: tc.Clip(t)})}
			t.Run("concat", func(t *testing.T) {
				t.Parallel()
				job := enginetest.Job(t, store, tc.Key, "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("o.mp4"))
				var mu sync.Mutex
				var seen []int
				job.Progress = func(p int) {
					mu.Lock()
					defer mu.Unlock()
					seen = append(seen, p)
				}
				_, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), job)
				require.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				require.NotEmpty(t, seen)
				require.True(t, sort.IntsAreSorted(seen), "progress went back: %v", seen)
				require.GreaterOrEqual(t, seen[0], 0)
				require.Equal(t, 100, seen[len(seen)-1], "%v", seen)
			})
		})
	}
}
