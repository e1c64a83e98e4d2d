package concat

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// rbOutput is one output shape the awkward clips are transcoded into.
type rbOutput struct {
	name, params   string
	vcodec, acodec string // "" = no such stream
	w, h           int    // forced size; 0 = the clip's; h only: width from the aspect
	fps            float64
}

// Awkward clips into other containers, codecs, sizes and rates: the
// output must have what was asked, the clip's length, and audio and video
// of equal length.
func TestRobustOutputs(t *testing.T) {
	t.Parallel()
	outputs := []rbOutput{
		{name: "webm", params: "f_webm,vcodec_vp9,acodec_opus", vcodec: "vp9", acodec: "opus"},
		{name: "mkv hevc flac 25fps fill", params: "f_mkv,vcodec_h265,acodec_flac,fps_25,s_320x240,scaletype_fill",
			vcodec: "hevc", acodec: "flac", w: 320, h: 240, fps: 25},
		{name: "mov pcm 120 high", params: "f_mov,vcodec_h264,acodec_pcm,s_x120", vcodec: "h264", acodec: "pcm_s16le", h: 120},
		{name: "mp3", params: "f_mp3,acodec_mp3", acodec: "mp3"},
	}
	keys := []string{"rot90.mp4", "vfr600.mov", "3c.mkv", "71.mkv", "hdr.mp4", "latea.mp4", "voice.mp3", "still.png", "17x9.mp4", "wrap.ts"}
	enginetest.EachCase(t, enginetest.ByKey(t, keys...), func(t *testing.T, tc enginetest.Case, clip string, store enginetest.PathStore) {
		want := tc.Want(t, clip)
		for _, o := range outputs {
			t.Run(o.name, func(t *testing.T) {
				t.Parallel()
				job := enginetest.Job(t, store, tc.Key, "video/concat,"+o.params+enginetest.SaveAs("out"))
				res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), job)
				require.NoError(t, err)
				require.Len(t, res.Outputs, 1)
				rbCheckOutput(t, res.Outputs[0].Path, o, tc, want)
			})
		}
	})
}

func rbCheckOutput(t *testing.T, path string, o rbOutput, tc enginetest.Case, want float64) {
	p := enginetest.ProbeFile(t, path)
	v, a := p.Stream("video"), p.Stream("audio")
	require.InDelta(t, want, p.FormatDuration(), 0.1, "duration")
	if o.acodec != "" {
		require.GreaterOrEqual(t, a, 0, "no audio")
		require.Equal(t, o.acodec, p.Streams[a].CodecName)
	}
	if o.vcodec == "" {
		require.Equal(t, -1, v, "unexpected video")
		return
	}
	require.GreaterOrEqual(t, v, 0, "no video")
	s := p.Streams[v]
	require.Equal(t, o.vcodec, s.CodecName)
	w, h := enginetest.Even(tc.W), enginetest.Even(tc.H)
	switch {
	case o.w > 0:
		w, h = o.w, o.h
	case o.h > 0:
		h = o.h
		exact := float64(o.h) * float64(tc.W) / float64(tc.H)
		require.Zero(t, s.Width%2, "odd width %d", s.Width)
		require.LessOrEqual(t, math.Abs(float64(s.Width)-exact), 2.0, "width %d for %.1f", s.Width, exact)
		w = s.Width
	}
	require.Equal(t, [2]int{w, h}, [2]int{s.Width, s.Height}, "size")
	if o.fps > 0 {
		require.InDelta(t, o.fps, enginetest.Rate(s.AvgFrameRate), 0.5, "frame rate %s", s.AvgFrameRate)
	}
	vd, ad := enginetest.StreamDuration(p, s.Index), enginetest.StreamDuration(p, p.Streams[a].Index)
	require.InDelta(t, vd, ad, 0.1, "audio and video lengths")
	require.Positive(t, ctDecode(t, path).Video)
}
