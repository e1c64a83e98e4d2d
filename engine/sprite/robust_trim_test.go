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
	for _, key := range []string{"editlist.mp4", "offset.ts", "latea.mp4", "vfr600.mov", "mjpeg.avi", "vp8.webm", "anim.gif", "hdr.mp4"} {
		tc := enginetest.CaseByKey(t, key)
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			clip := tc.Clip(t)
			store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{tc.Key: clip})}
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
}

// Trims at the edges of awkward clips: into the part where only one stream
// plays, past the end, and on a raw stream whose length nothing declares
// (engine/concat runs the same cases with the whole trim).
func TestRobustTrimEdges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, key, trim string
		sprite          osserr.Code // for ss alone; zero Name: succeeds
	}{
		{"into the audio after the video", "longa.mp4", "ss_1500", osserr.InvalidArgument},
		{"before the late video", "latev.mp4", "ss_200,t_200", osserr.Code{}},
		{"past a 3-frame clip", "three.mp4", "ss_600", osserr.InvalidArgument},
		{"raw stream", "raw.h264", "ss_500", osserr.Code{}},
		{"past a raw stream", "raw.h264", "ss_5000", osserr.InvalidArgument},
		{"still image", "still.png", "ss_0,t_1000", osserr.Code{}},
	} {
		c := enginetest.CaseByKey(t, tc.key)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{tc.key: c.Clip(t)})}
			t.Run("sprite", func(t *testing.T) {
				t.Parallel()
				ss := tc.trim
				if i := len("ss_"); len(ss) > i {
					for j := i; j < len(ss); j++ {
						if ss[j] == ',' {
							ss = ss[:j]
							break
						}
					}
				}
				res, err := enginetest.RunTask(t, New(engine.DefaultConfig()),
					enginetest.Job(t, store, tc.key, "video/sprite,f_png,tw_2,th_1,num_2,"+ss+enginetest.SaveAs("s-{index}.png")))
				if tc.sprite.Name != "" {
					enginetest.RequireFailure(t, res, err, tc.sprite, enginetest.Bucket+"/"+tc.key)
					return
				}
				require.NoError(t, err)
				require.Len(t, res.Outputs, 1)
			})
		})
	}
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
