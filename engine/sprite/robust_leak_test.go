package sprite

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Sprite tasks on broken and awkward inputs release their C memory on
// every path: opening fails (no frame size, no video), decoding fails
// (truncated), decoding limps through damage, raw streams restart, and a
// good 10-bit clip for comparison.
func TestRobustSpriteNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("leak check runs many tasks")
	}
	keys := []string{"flipped.mp4", "cutmdat.mp4", "huge.png", "subs.mkv", "raw.h264", "zero.mp4", "hdr.mp4", "rot90.mp4"}
	extra := map[string]string{}
	for _, key := range keys {
		extra[key] = enginetest.CaseByKey(t, key).Clip(t)
	}
	store := enginetest.PathStore{DirStore: enginetest.NewStore(t, extra)}
	round := func(n int) int64 {
		for i := 0; i < n; i++ {
			for _, key := range keys {
				job := enginetest.Job(t, store, key, "video/sprite,f_jpg,tw_2,th_2,m_avg,num_4"+enginetest.SaveAs("s-{index}.jpg"))
				_, _ = enginetest.RunTask(t, New(engine.DefaultConfig()), job)
			}
		}
		return enginetest.RSS(t)
	}
	round(10) // thread pools and allocator arenas settle
	rss := []int64{enginetest.RSS(t), round(10), round(10), round(10)}
	t.Logf("RSS after warm-up and each further %d tasks (KiB): %v", 10*len(keys), rss)
	// A leaked AVIO buffer, decoder or filter graph per task would add
	// tens of MiB per window.
	growth := min(rss[1]-rss[0], rss[2]-rss[1], rss[3]-rss[2])
	require.Less(t, growth, int64(4<<10), "RSS keeps growing")
}
