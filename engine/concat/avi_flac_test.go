package concat

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// AVI with FLAC from three clips (pre.mov 3 s, vfr.mp4 3 s, odd.mp4 2 s) at
// 44.1 and 48 kHz, with each video codec and audio-only. FLAC's last
// packet carries only the final STREAMINFO; the AVI muxer's audio time
// base is one FLAC frame (4608 samples), so at 48 kHz (8 s leave 1536
// samples in the last frame) that packet's dts rounded onto the last
// frame's and the muxer refused it, and at 44.1 kHz (2592 left) it became
// an empty chunk: one frame too many in the header and a packet no decoder
// takes. B-frame video (x264, x265) made libavformat shift every stream by
// the video's reorder delay, rounded up to whole audio frames, and the AVI
// muxer filled the gap with empty audio chunks. Each output must decode
// without error, last 8 s of decoded audio and 8 s to one FLAC frame in
// its header.
func TestConcatAVIFLAC(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	tail := "/sur,o_" + enginetest.B64("vfr.mp4") + "/sur,o_" + enginetest.B64("odd.mp4") + enginetest.SaveAs("o.avi")
	for _, rate := range []int{44100, 48000} {
		for _, vc := range []string{"h264", "h265", "vp9", ""} {
			name := fmt.Sprintf("%d/%s", rate, vc)
			head := fmt.Sprintf("video/concat,f_avi,acodec_flac,ar_%d,s_160x120,fps_25", rate)
			if vc == "" {
				name, head = fmt.Sprintf("%d/audio-only", rate), head+",vn_1"
			} else {
				head += ",vcodec_" + vc
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				out := ctOne(t, store, "pre.mov", head+tail)
				p := enginetest.ProbeFile(t, out)
				a := p.Stream("audio")
				require.GreaterOrEqual(t, a, 0)
				require.Equal(t, "flac", p.Streams[a].CodecName)
				require.Equal(t, strconv.Itoa(rate), p.Streams[a].SampleRate)
				// AVI counts audio in whole FLAC frames (4608 samples at
				// these rates): the header may round the last one up, never
				// more.
				require.GreaterOrEqual(t, p.FormatDuration(), 8.0-0.001)
				require.Less(t, p.FormatDuration(), 8.0+4608/float64(rate))
				for _, k := range p.Packets {
					require.NotZero(t, k.Size, "empty packet in stream %d at %s", k.StreamIndex, k.PtsTime)
				}
				dec := ctDecode(t, out)
				require.InDelta(t, 8.0, dec.AudioSeconds, 0.05)
				if vc != "" {
					require.Equal(t, 200, dec.Video)
				}
			})
		}
	}
}
