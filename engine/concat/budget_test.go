package concat

import (
	"testing"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Pictures over the pixel budget fail the task with InvalidMedia naming
// the object, its size and the budget, before frames of that size exist.
func TestPixelBudget(t *testing.T) {
	t.Parallel()
	enginetest.RequirePixelBudget(t, New(engine.Config{VideoPreset: "ultrafast"}), "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("c.mp4"))
}
