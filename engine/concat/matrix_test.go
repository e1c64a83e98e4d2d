package concat

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// ctMatrix is every container with the codecs it may hold (the parser's
// rules); the test joins two short clips into each pairing.
var ctMatrix = []struct {
	f     string
	video []string
	audio []string
}{
	{"mp4", []string{"h264", "h265", "vp9"}, []string{"mp3", "vorbis", "aac", "flac", "ac3", "opus"}},
	{"mkv", []string{"h264", "h265", "vp9"}, []string{"mp3", "vorbis", "aac", "flac", "ac3", "opus", "pcm"}},
	{"mov", []string{"h264", "h265"}, []string{"mp3", "vorbis", "aac", "ac3", "pcm"}},
	{"asf", []string{"h264", "vp9"}, []string{"mp3", "vorbis", "aac", "flac", "ac3", "pcm"}},
	{"avi", []string{"h264", "h265", "vp9"}, []string{"mp3", "vorbis", "aac", "flac", "ac3", "pcm"}},
	{"mxf", []string{"h264"}, []string{"pcm"}},
	{"ts", []string{"h264", "h265"}, []string{"mp3", "aac", "ac3", "opus"}},
	{"flv", []string{"h264"}, []string{"mp3", "aac"}},
	{"webm", []string{"vp9"}, []string{"vorbis", "opus"}},
	{"mp3", nil, []string{"mp3"}},
	{"aac", nil, []string{"aac"}},
	{"flac", nil, []string{"flac"}},
	{"oga", nil, []string{"vorbis", "flac", "opus"}},
	{"ac3", nil, []string{"ac3"}},
	{"opus", nil, []string{"opus"}},
}

// ctProbeCodec is ffprobe's name for each codec parameter value.
var ctProbeCodec = map[string]string{
	"h264": "h264", "h265": "hevc", "vp9": "vp9",
	"mp3": "mp3", "vorbis": "vorbis", "aac": "aac", "flac": "flac", "ac3": "ac3", "opus": "opus", "pcm": "pcm_s16le",
}

// Every container with every codec it accepts: the output decodes back
// with libav without error, carries the asked codecs, and lasts as long as
// the trimmed inputs (1 s of pre.mov + 0.5 s of example.mkv).
func TestConcatContainerMatrix(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	for _, m := range ctMatrix {
		n := max(len(m.video), len(m.audio))
		for i := 0; i < n; i++ {
			vc, ac := "", m.audio[i%len(m.audio)]
			name := m.f + "/" + ac
			if len(m.video) > 0 {
				vc = m.video[i%len(m.video)]
				name = m.f + "/" + vc + "+" + ac
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				head := fmt.Sprintf("video/concat,t_1000,f_%s,acodec_%s,s_160x120", m.f, ac)
				if vc != "" {
					head += ",vcodec_" + vc
				}
				out := ctOne(t, store, "pre.mov", head+"/sur,o_"+enginetest.B64("example.mkv")+",ss_5000,t_500"+enginetest.SaveAs("o."+m.f))
				p := enginetest.ProbeFile(t, out)
				a := p.Stream("audio")
				require.GreaterOrEqual(t, a, 0)
				require.Equal(t, ctProbeCodec[ac], p.Streams[a].CodecName)
				if m.f == "mp4" || m.f == "mov" {
					requireMoovFirst(t, out)
				}
				dec := ctDecode(t, out)
				require.InDelta(t, 1.5, dec.AudioSeconds, 0.1)
				v := p.Stream("video")
				if vc == "" {
					require.Equal(t, -1, v)
					return
				}
				require.GreaterOrEqual(t, v, 0)
				require.Equal(t, ctProbeCodec[vc], p.Streams[v].CodecName)
				require.Equal(t, 160, p.Streams[v].Width)
				require.Equal(t, 120, p.Streams[v].Height)
				require.InDelta(t, 45, dec.Video, 1) // 1.5 s at pre.mov's 30 fps
			})
		}
	}
}

// 5.1 input (hevc10.mp4's audio) into every audio codec: each keeps six
// channels except MP3, which holds at most two.
func TestConcatSurroundCodecs(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	for _, tc := range []struct {
		f, ac    string
		channels int
	}{
		{"mkv", "aac", 6}, {"mkv", "ac3", 6}, {"mkv", "opus", 6}, {"mkv", "vorbis", 6},
		{"mkv", "flac", 6}, {"mkv", "pcm", 6}, {"mkv", "mp3", 2}, {"mov", "pcm", 6},
	} {
		t.Run(tc.f+"/"+tc.ac, func(t *testing.T) {
			t.Parallel()
			out := ctOne(t, store, "hevc10.mp4", "video/concat,f_"+tc.f+",vn_1,acodec_"+tc.ac+enginetest.SaveAs("a."+tc.f))
			p := enginetest.ProbeFile(t, out)
			require.Equal(t, tc.channels, p.Streams[0].Channels)
			require.InDelta(t, 2.0, ctDecode(t, out).AudioSeconds, 0.05)
		})
	}
}
