package sprite

import (
	"image"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
)

// Trims count from the container start however the streams are offset
// (edit lists, a TS starting at 10 s, a late video track) and land on
// the right frame (engine/concat checks its first frame on the same clips).
func TestRobustTrims(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.TrimCases(t), func(t *testing.T, tc enginetest.Case, clip string, store enginetest.PathStore) {
		t.Run("sprite", func(t *testing.T) {
			t.Parallel()
			job := enginetest.Job(t, store, tc.Key, "video/sprite,f_png,ss_500,num_1,tw_1,th_1,pad_0,margin_0"+enginetest.SaveAs("s-{index}.png"))
			res, err := enginetest.RunTask(t, New(engine.DefaultConfig()), job)
			require.NoError(t, err)
			require.Len(t, res.Outputs, 1)
			img, _ := enginetest.DecodeImage(t, res.Outputs[0])
			require.Equal(t, image.Pt(tc.W, tc.H), img.Bounds().Size())
			enginetest.RequireFrame(t, img, clip, 500*time.Millisecond, 0)
		})
	})
}

// Trims at the edges of awkward clips (enginetest.EachTrimEdge), ss alone:
// one sheet, or the expected error naming the object.
func TestRobustTrimEdges(t *testing.T) {
	t.Parallel()
	enginetest.EachTrimEdge(t, func(t *testing.T, e enginetest.TrimEdge, store enginetest.PathStore) {
		t.Run("sprite", func(t *testing.T) {
			t.Parallel()
			res, err := enginetest.RunTask(t, New(engine.DefaultConfig()),
				enginetest.Job(t, store, e.Key, "video/sprite,f_png,tw_2,th_1,num_2,"+e.SS()+enginetest.SaveAs("s-{index}.png")))
			if e.Sprite.Name != "" {
				enginetest.RequireFailure(t, res, err, e.Sprite, enginetest.Bucket+"/"+e.Key)
				return
			}
			require.NoError(t, err)
			require.Len(t, res.Outputs, 1)
		})
	})
}

// A file declaring a 16000×16000 picture with 4 KB of data fails cleanly
// even when the request asks for small cells, which gets past the size
// checks to decoding.
func TestRobustHugeDeclaredSmallOutput(t *testing.T) {
	t.Parallel()
	store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{"huge.y4m": enginetest.HugeY4M(t)})}
	t.Run("sprite", func(t *testing.T) {
		t.Parallel()
		res, err := enginetest.RunTask(t, New(engine.DefaultConfig()), enginetest.Job(t, store, "huge.y4m", "video/sprite,f_jpg,sw_64,sh_64"+enginetest.SaveAs("s-{index}.jpg")))
		enginetest.RequireFailure(t, res, err, osserr.InvalidMedia, enginetest.Bucket+"/huge.y4m")
	})
}
