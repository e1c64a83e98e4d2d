package concat

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/parser"
)

// tableFullEnv runs TestConcatTable on every accepted combination (about
// 7,300 encodes, hours on 2 cores) instead of its CI sample.
const tableFullEnv = "OSSEMU_CONCAT_TABLE_FULL"

// Every combination of testutil.ConcatCases the parser accepts is written
// by the engine with the requested properties: 0.5 s of pre.mov (320x240,
// 30 fps, 48 kHz stereo PCM; more at low fps, see tableSeconds) through the
// case, decoded back without error.
// A case the parser refuses is the parser's own test's business (it gets
// a 400 at submission). By default a deterministic sample runs (see
// tableSample); with OSSEMU_CONCAT_TABLE_FULL=1 every accepted case does.
func TestConcatTable(t *testing.T) {
	t.Parallel()
	var accepted []testutil.ConcatCase
	for _, c := range testutil.ConcatCases() {
		if _, err := parser.Parse("video/concat," + c.Head() + enginetest.SaveAs("o")); err == nil {
			accepted = append(accepted, c)
		}
	}
	require.Greater(t, len(accepted), 7000)
	cases := accepted
	if os.Getenv(tableFullEnv) == "" {
		cases = tableSample(accepted)
	}
	t.Logf("%d of %d accepted combinations", len(cases), len(accepted))
	store := enginetest.NewStore(t, nil)
	for _, c := range cases {
		t.Run(c.String(), func(t *testing.T) {
			t.Parallel()
			d := tableSeconds(c)
			out := ctOne(t, store, "pre.mov", fmt.Sprintf("video/concat,t_%d,", int(d*1000))+c.Head()+enginetest.SaveAs("o."+c.Format))
			requireTableOutput(t, c, d, out)
		})
	}
}

// tableSeconds is how much of pre.mov (3 s) a case encodes: 0.5 s, or two
// frame periods at a low fps (all of pre.mov at 0.5 fps), so the output has
// at least two frames and ffprobe a frame rate to check. (A clip shorter
// than one period comes out as one frame: TestConcatShorterThanOneFrame.)
func tableSeconds(c testutil.ConcatCase) float64 {
	if c.Axis == "fps" {
		fps, _ := strconv.ParseFloat(c.Value, 64)
		return min(3, max(0.5, 2/fps))
	}
	return 0.5
}

// tableSample is every bare container x video codec x audio codec the
// parser accepts, each documented value of every axis once (on the first
// combination that accepts it), and for each audio codec the lowest and
// highest sample rate and channel count it is accepted with (on the first
// combination that accepts that edge).
func tableSample(accepted []testutil.ConcatCase) []testutil.ConcatCase {
	type edge struct{ codec, axis string }
	lo, hi := map[edge]int{}, map[edge]int{}
	for _, c := range accepted {
		if c.Axis == "ar" || c.Axis == "ac" {
			k, v := edge{c.AudioCodec, c.Axis}, atoi(c.Value)
			if _, ok := lo[k]; !ok || v < lo[k] {
				lo[k] = v
			}
			hi[k] = max(hi[k], v)
		}
	}
	seen := map[string]bool{}
	var out []testutil.ConcatCase
	for _, c := range accepted {
		keys := []string{"value " + c.Axis + "_" + c.Value}
		if k := (edge{c.AudioCodec, c.Axis}); c.Axis == "ar" || c.Axis == "ac" {
			if v := atoi(c.Value); v == lo[k] || v == hi[k] {
				keys = append(keys, "edge "+c.AudioCodec+" "+c.Axis+"_"+c.Value)
			}
		}
		take := c.Axis == ""
		for _, k := range keys {
			if !seen[k] {
				seen[k], take = true, true
			}
		}
		if take {
			out = append(out, c)
		}
	}
	return out
}

// packetRate is stream v's mean frame rate from its packets' timestamps:
// frames between the first and the last, over the time between them; 0
// when fewer than two packets carry one.
func packetRate(p enginetest.Probe, v int) float64 {
	var pts []float64
	for _, k := range p.Packets {
		if f, err := strconv.ParseFloat(k.PtsTime, 64); k.StreamIndex == v && err == nil {
			pts = append(pts, f)
		}
	}
	if len(pts) < 2 {
		return 0
	}
	slices.Sort(pts)
	return float64(len(pts)-1) / (pts[len(pts)-1] - pts[0])
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// tableAudioCodec is the codec ffprobe must find: AMR-NB at 8 kHz, else
// AMR-WB (the 48 kHz align clip moves to 16 kHz); 24-bit PCM is s24le.
func tableAudioCodec(c testutil.ConcatCase) string {
	switch {
	case c.AudioCodec == "amr" && c.Axis == "ar" && c.Value == "8000":
		return "amr_nb"
	case c.AudioCodec == "amr":
		return "amr_wb"
	case c.AudioCodec == "pcm" && c.Axis == "adepth" && c.Value == "24":
		return "pcm_s24le"
	}
	return ctProbeCodec[c.AudioCodec]
}

// requireTableOutput checks the streams, the one requested property and
// that the file decodes with d seconds of audio.
func requireTableOutput(t *testing.T, c testutil.ConcatCase, d float64, path string) {
	p := enginetest.ProbeFile(t, path)
	v, a := p.Stream("video"), p.Stream("audio")
	if c.VideoCodec == "" {
		require.Equal(t, -1, v, "unexpected video stream")
	} else {
		require.GreaterOrEqual(t, v, 0, "no video stream")
		require.Equal(t, ctProbeCodec[c.VideoCodec], p.Streams[v].CodecName)
	}
	if c.AudioCodec == "" {
		require.Equal(t, -1, a, "unexpected audio stream")
	} else {
		require.GreaterOrEqual(t, a, 0, "no audio stream")
		require.Equal(t, tableAudioCodec(c), p.Streams[a].CodecName)
	}
	switch c.Axis {
	case "fps":
		want, _ := strconv.ParseFloat(c.Value, 64)
		s := p.Streams[v]
		r := cmp.Or(enginetest.Rate(s.AvgFrameRate), enginetest.Rate(s.RFrameRate))
		inRange := func(r float64) bool { return r >= want*0.98 && r <= want*1.02 }
		// ASF stores millisecond timestamps and VP9 carries no frame rate
		// of its own, so for VP9 in ASF ffprobe names none (0/0, 1000/1),
		// as for the ffmpeg CLI's file; the packets' spacing shows it.
		if !inRange(enginetest.Rate(s.AvgFrameRate)) && !inRange(enginetest.Rate(s.RFrameRate)) {
			pr := packetRate(p, v)
			require.True(t, inRange(pr), "frame rate %s / %s (%g), packets %g, want %s", s.AvgFrameRate, s.RFrameRate, r, pr, c.Value)
		}
	case "pixfmt":
		got := p.Streams[v].PixFmt
		require.True(t, got == c.Value || (c.Value == "yuva420p" && got == "yuv420p"), "pixel format %s, want %s", got, c.Value)
	case "s":
		require.Equal(t, c.Value, fmt.Sprintf("%dx%d", p.Streams[v].Width, p.Streams[v].Height))
	case "ar":
		got := p.Streams[a].SampleRate
		// Opus always decodes at 48 kHz; the rate asked for is in its header only.
		require.True(t, got == c.Value || (c.AudioCodec == "opus" && got == "48000"), "sample rate %s, want %s", got, c.Value)
	case "ac":
		require.Equal(t, c.Value, strconv.Itoa(p.Streams[a].Channels))
	case "adepth":
		if c.AudioCodec == "flac" {
			require.Equal(t, atoi(c.Value), p.Streams[a].BitsPerSample)
		}
	}
	dec := ctDecode(t, path)
	if c.AudioCodec != "" {
		require.InDelta(t, d, dec.AudioSeconds, tableAudioSlack(c, p.Streams[a].SampleRate), "decoded audio")
	}
	if c.VideoCodec != "" {
		require.Positive(t, dec.Video, "decoded video frames")
	}
}

// codecFrameSamples is the largest frame of each lossy audio codec, in
// samples.
var codecFrameSamples = map[string]int{"aac": 1024, "mp3": 1152, "ac3": 1536, "vorbis": 2048, "opus": 960}

// tableAudioSlack is how far the decoded audio may be off the clip: 0.1 s,
// or two codec frames where they are longer. A lossy encoder's priming
// samples and last frame's padding decode as audio where the container
// cannot say to skip them (AAC or MP3 at 8 kHz in mkv, avi, asf, adts:
// 1024-sample priming plus padding is up to 0.15 s of 0.5 s), as with the
// ffmpeg CLI.
func tableAudioSlack(c testutil.ConcatCase, rate string) float64 {
	r := atoi(rate)
	if n := codecFrameSamples[c.AudioCodec]; n > 0 && r > 0 {
		return max(0.1, 2*float64(n)/float64(r))
	}
	return 0.1
}
