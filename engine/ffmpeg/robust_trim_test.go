package ffmpeg

import (
	"image"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rbCase returns the robustness case of that key.
func rbCaseByKey(t testing.TB, key string) rbCase {
	for _, tc := range rbCases() {
		if tc.key == key {
			return tc
		}
	}
	t.Fatalf("no robustness case %s", key)
	return rbCase{}
}

// rbRequireFrame checks img is the CLI's frame of clip at want rather than
// the one at other (when those differ).
func rbRequireFrame(t testing.TB, img image.Image, clip string, want, other time.Duration) {
	t.Helper()
	b := img.Bounds()
	h := dhashImage(img)
	ref := dhashImage(spCLIFrame(t, clip, want, b.Dx(), b.Dy()))
	alt := dhashImage(spCLIFrame(t, clip, other, b.Dx(), b.Dy()))
	d := hashDistance(h, ref)
	require.LessOrEqual(t, d, 8, "differs from the source frame at %v by %d bits", want, d)
	if alt != ref {
		require.Less(t, d, hashDistance(h, alt), "looks more like the source frame at %v than at %v", other, want)
	}
}

// Trims count from the container start however the streams are offset
// (edit lists, a TS starting at 10 s, a late video track) and land on
// the right frame in both engines.
func TestRobustTrims(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"editlist.mp4", "offset.ts", "latea.mp4", "vfr600.mov", "mjpeg.avi", "vp8.webm", "anim.gif", "hdr.mp4"} {
		tc := rbCaseByKey(t, key)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clip := tc.clip(t)
			store := ctPathStore{ctNewStore(t, map[string]string{tc.key: clip})}
			t.Run("concat", func(t *testing.T) {
				t.Parallel()
				job := rbJob(t, store, tc.key, "video/concat,f_mp4,vcodec_h264,acodec_aac,ss_500,t_400"+ctSaveAs("out.mp4"))
				res, err := rbRunTask(t, NewConcat(Config{VideoPreset: "ultrafast"}), job)
				require.NoError(t, err)
				out := res.Outputs[0].Path
				p := ctProbeFile(t, out)
				v, a := p.Streams[p.stream("video")].Index, p.Streams[p.stream("audio")].Index
				require.InDelta(t, 0.4, p.formatDuration(), 0.06)
				require.InDelta(t, rbStreamDuration(p, v), rbStreamDuration(p, a), 0.06, "audio and video lengths")
				rbRequireFrame(t, spCLIFrame(t, out, 0, tc.w, tc.h), clip, 500*time.Millisecond, 0)
			})
			t.Run("sprite", func(t *testing.T) {
				t.Parallel()
				job := rbJob(t, store, tc.key, "video/sprite,f_png,ss_500,num_1,tw_1,th_1,pad_0,margin_0"+ctSaveAs("s-{index}.png"))
				res, err := rbRunTask(t, NewSprite(DefaultConfig()), job)
				require.NoError(t, err)
				require.Len(t, res.Outputs, 1)
				img, _ := spDecode(t, res.Outputs[0])
				require.Equal(t, image.Pt(tc.w, tc.h), img.Bounds().Size())
				rbRequireFrame(t, img, clip, 500*time.Millisecond, 0)
			})
		})
	}
}
