package sprite

import (
	"testing"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Pictures over the pixel budget fail the task with InvalidMedia naming
// the object, its size and the budget, before frames of that size exist.
func TestPixelBudget(t *testing.T) {
	t.Parallel()
	enginetest.RequirePixelBudget(t, New(engine.DefaultConfig()), "video/sprite,f_jpg,sw_64,sh_64"+enginetest.SaveAs("s-{index}.jpg"))
}
