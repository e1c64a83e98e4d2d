package concat

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

func rbCheckConcat(t *testing.T, tc enginetest.Case, clip string, store storage.Backend) {
	rbCheckConcatJob(t, tc, clip, enginetest.Job(t, store, tc.Key, "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("out.mp4")), 0)
}

// rbCheckJoin plays the first second of pre.mov (320×240, 30 fps, PCM
// stereo) and then the clip, aligned on the clip: the join must keep
// audio and video together and take the clip's picture size.
func rbCheckJoin(t *testing.T, tc enginetest.Case, clip string, store storage.Backend) {
	process := "video/concat,f_mp4,vcodec_h264,acodec_aac,align_1,ss_0,t_1000/sur,o_" + enginetest.B64(tc.Key)
	rbCheckConcatJob(t, tc, clip, enginetest.Job(t, store, "pre.mov", process+enginetest.SaveAs("out.mp4")), 1)
}

// rbCheckConcatJob runs job, whose clips play lead seconds before tc's.
func rbCheckConcatJob(t *testing.T, tc enginetest.Case, clip string, job *queue.Job, lead float64) {
	t.Helper()
	res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), job)
	if tc.Concat == enginetest.Invalid || (tc.Concat == enginetest.OKorFail && err != nil) {
		enginetest.RequireFailure(t, res, err, osserr.InvalidMedia, fmt.Sprintf("clip %d", 1+int(lead)), tc.Key)
		return
	}
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	out := res.Outputs[0].Path
	p := enginetest.ProbeFile(t, out)
	v, a := p.Stream("video"), p.Stream("audio")
	require.GreaterOrEqual(t, v, 0, "no video stream")
	require.GreaterOrEqual(t, a, 0, "no audio stream")
	require.Equal(t, "h264", p.Streams[v].CodecName)
	require.Equal(t, "aac", p.Streams[a].CodecName)
	if tc.Concat == enginetest.OKorFail {
		ctDecode(t, out) // whatever got through must play
		return
	}
	size := [2]int{enginetest.Even(tc.W), enginetest.Even(tc.H)}
	if tc.AudioOnly && lead > 0 {
		size = [2]int{320, 240} // the first clip with video: pre.mov
	}
	require.Equal(t, size, [2]int{p.Streams[v].Width, p.Streams[v].Height}, "output size")
	want := tc.Dur
	if want == 0 {
		want = enginetest.FileDuration(t, clip)
	}
	want += lead
	vd, ad := enginetest.StreamDuration(p, p.Streams[v].Index), enginetest.StreamDuration(p, p.Streams[a].Index)
	require.InDelta(t, want, p.FormatDuration(), 0.1, "duration (video %.3f s, audio %.3f s)", vd, ad)
	require.InDelta(t, vd, ad, 0.1, "audio and video lengths")
	require.Positive(t, ctDecode(t, out).Video)
	at := lead + min(0.5, (want-lead)/2) // inside the clip
	if tc.TopWhite {
		w, h, y := ctGray(t, out, at)
		require.Greater(t, int(y[h/4*w+w/2]), 200, "top should be white")
		require.Less(t, int(y[h*3/4*w+w/2]), 60, "bottom should be black")
	}
	if tc.Gray > 0 {
		w, h, y := ctGray(t, out, at)
		require.InDelta(t, tc.Gray, int(y[h/2*w+w/2]), 6, "full-range level")
	}
}

// TestRobustInputs runs the concat engine on every awkward input (alone,
// and joined after another clip) and checks the outcome: a correct
// result, or a clean InvalidMedia naming the object; never a panic, a hang
// or an error without an OSS code. engine/sprite runs the same inputs.
func TestRobustInputs(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.Cases(), func(t *testing.T, tc enginetest.Case, clip string, store enginetest.PathStore) {
		stores := map[string]storage.Backend{"path": store, "avio": store.DirStore}
		// A successful transcode is the costly part: one backend is
		// enough; failures are cheap and differ between the two.
		if tc.Concat == enginetest.OK {
			delete(stores, "avio")
		}
		for sname, s := range stores {
			t.Run("concat/"+sname, func(t *testing.T) {
				t.Parallel()
				rbCheckConcat(t, tc, clip, s)
			})
			t.Run("join/"+sname, func(t *testing.T) {
				t.Parallel()
				rbCheckJoin(t, tc, clip, s)
			})
		}
	})
}
