package concat

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
		t.Run("concat", func(t *testing.T) {
			t.Parallel()
			job := enginetest.Job(t, store, tc.Key, "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("o.mp4"))
			enginetest.RequireProgress(t, New(engine.Config{VideoPreset: "ultrafast"}), job)
		})
	})
}
