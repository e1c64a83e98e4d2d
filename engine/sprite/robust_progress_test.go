package sprite

import (
	"testing"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Progress on clips whose clocks are awkward stays within 0–100, never
// goes back, and ends at 100.
func TestRobustProgress(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.ProgressCases(t), func(t *testing.T, tc enginetest.Case, _ string, store enginetest.PathStore) {
		t.Run("sprite", func(t *testing.T) {
			t.Parallel()
			job := enginetest.Job(t, store, tc.Key, "video/sprite,f_png,tw_4,th_1,m_avg,num_4"+enginetest.SaveAs("s-{index}.png"))
			enginetest.RequireProgress(t, New(engine.DefaultConfig()), job)
		})
	})
}
