package ffmpeg

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// Trims at the edges of awkward clips: into the part where only one stream
// plays, past the end, and on a raw stream whose length nothing declares.
func TestRobustTrimEdges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, key, trim string
		concat          float64     // expected length; 0: fails
		sprite          osserr.Code // for ss alone; zero Name: succeeds
	}{
		{"into the audio after the video", "longa.mp4", "ss_1500", 0.5, osserr.InvalidArgument},
		{"before the late video", "latev.mp4", "ss_200,t_200", 0.2, osserr.Code{}},
		{"past a 3-frame clip", "three.mp4", "ss_600", 0, osserr.InvalidArgument},
		{"raw stream", "raw.h264", "ss_500", 0.5, osserr.Code{}},
		{"past a raw stream", "raw.h264", "ss_5000", 0, osserr.InvalidArgument},
		{"still image", "still.png", "ss_0,t_1000", 0.04, osserr.Code{}},
	} {
		c := rbCaseByKey(t, tc.key)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := ctPathStore{ctNewStore(t, map[string]string{tc.key: c.clip(t)})}
			t.Run("concat", func(t *testing.T) {
				t.Parallel()
				res, err := rbRunTask(t, NewConcat(Config{VideoPreset: "ultrafast"}),
					rbJob(t, store, tc.key, "video/concat,f_mp4,vcodec_h264,acodec_aac,"+tc.trim+ctSaveAs("o.mp4")))
				if tc.concat == 0 {
					rbRequireFailure(t, res, err, osserr.InvalidArgument, "clip 1", tc.key)
					return
				}
				require.NoError(t, err)
				p := ctProbeFile(t, res.Outputs[0].Path)
				v, a := p.Streams[p.stream("video")].Index, p.Streams[p.stream("audio")].Index
				require.InDelta(t, tc.concat, p.formatDuration(), 0.05)
				require.InDelta(t, rbStreamDuration(p, v), rbStreamDuration(p, a), 0.05, "audio and video lengths")
			})
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
				res, err := rbRunTask(t, NewSprite(DefaultConfig()),
					rbJob(t, store, tc.key, "video/sprite,f_png,tw_2,th_1,num_2,"+ss+ctSaveAs("s-{index}.png")))
				if tc.sprite.Name != "" {
					rbRequireFailure(t, res, err, tc.sprite, ctBucket+"/"+tc.key)
					return
				}
				require.NoError(t, err)
				require.Len(t, res.Outputs, 1)
			})
		})
	}
}

// A file declaring a 16000×16000 picture with 4 KB of data fails cleanly
// even when the request asks for small cells or a small output, which
// gets past the size checks to decoding.
func TestRobustHugeDeclaredSmallOutput(t *testing.T) {
	t.Parallel()
	store := ctPathStore{ctNewStore(t, map[string]string{"huge.y4m": rbHugeY4M(t)})}
	t.Run("sprite", func(t *testing.T) {
		t.Parallel()
		res, err := rbRunTask(t, NewSprite(DefaultConfig()), rbJob(t, store, "huge.y4m", "video/sprite,f_jpg,sw_64,sh_64"+ctSaveAs("s-{index}.jpg")))
		rbRequireFailure(t, res, err, osserr.InvalidMedia, ctBucket+"/huge.y4m")
	})
	t.Run("concat", func(t *testing.T) {
		t.Parallel()
		res, err := rbRunTask(t, NewConcat(Config{VideoPreset: "ultrafast"}),
			rbJob(t, store, "huge.y4m", "video/concat,f_mp4,vcodec_h264,acodec_aac,s_64x64"+ctSaveAs("o.mp4")))
		rbRequireFailure(t, res, err, osserr.InvalidMedia, "clip 1", "huge.y4m")
	})
}
