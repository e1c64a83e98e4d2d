package sprite

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func sheetOut(key string, times ...time.Duration) engine.Output {
	s := &engine.Sheet{Width: 100, Height: 100}
	for i, t := range times {
		s.Cells = append(s.Cells, engine.Cell{Time: t, X: i * 10, W: 10, H: 10})
	}
	return engine.Output{Bucket: "b", Key: key, Sheet: s}
}

func TestVTTCues(t *testing.T) {
	t.Parallel()
	type cue struct {
		start, end time.Duration
		sheet      string
	}
	flat := func(cs []vttCue) []cue {
		var out []cue
		for _, c := range cs {
			out = append(out, cue{c.start, c.end, c.sheet})
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		track      string
		outs       []engine.Output
		start, end time.Duration
		want       []cue
	}{
		{"back to back from ss to the end", "t/x.vtt",
			[]engine.Output{sheetOut("t/x-1.jpg", ms(1014), ms(2014)), sheetOut("t/x-2.jpg", ms(3014))}, ms(1000), ms(4000),
			[]cue{{ms(1000), ms(2014), "x-1.jpg"}, {ms(2014), ms(3014), "x-1.jpg"}, {ms(3014), ms(4000), "x-2.jpg"}}},
		{"frames in one millisecond: the later one shows", "x.vtt",
			[]engine.Output{sheetOut("x-1.jpg", ms(0), 1200*time.Microsecond, 1400*time.Microsecond, ms(5))}, 0, ms(10),
			[]cue{{0, ms(1), "x-1.jpg"}, {ms(1), ms(5), "x-1.jpg"}, {ms(5), ms(10), "x-1.jpg"}}},
		{"replaced sheets are left out", "x.vtt",
			[]engine.Output{sheetOut("x.jpg", ms(0), ms(1000)), sheetOut("x.jpg", ms(2000), ms(3000))}, 0, ms(4000),
			[]cue{{ms(2000), ms(3000), "x.jpg"}, {ms(3000), ms(4000), "x.jpg"}}},
		{"the last cue lasts at least a millisecond", "x.vtt",
			[]engine.Output{sheetOut("x-1.jpg", ms(7))}, 0, 0,
			[]cue{{0, ms(8), "x-1.jpg"}}},
		{"names relative to the track", "a/t.vtt",
			[]engine.Output{sheetOut("b/s-1.jpg", 0), sheetOut("a/s-2.jpg", ms(1))}, 0, ms(2),
			[]cue{{0, ms(1), "../b/s-1.jpg"}, {ms(1), ms(2), "s-2.jpg"}}},
		{"names escaped", "t.vtt",
			[]engine.Output{sheetOut("s #1.jpg", 0), sheetOut("a:b.jpg", ms(1))}, 0, ms(2),
			[]cue{{0, ms(1), "s%20%231.jpg"}, {ms(1), ms(2), "./a:b.jpg"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, flat(vttCues(tc.track, tc.outs, tc.start, tc.end)))
		})
	}
	require.Equal(t, "01:02:03.004", vttTime(time.Hour+2*time.Minute+3*time.Second+4*time.Millisecond))
}

// The track file: header, one block per cue, named after the template,
// never over a sheet's name.
func TestWriteVTT(t *testing.T) {
	t.Parallel()
	tmpl := func(s string) parser.SaveAs {
		o, err := parser.ParseTemplate(s)
		require.NoError(t, err)
		return parser.SaveAs{Object: o}
	}
	names := sheetNames{task: engine.Task{Bucket: "b", Object: "v/movie.mp4"}, spec: &parser.Sprite{Format: parser.JPG}, saveas: tmpl("{barename}-{index}.{autoext}")}
	dir := t.TempDir()
	outs := []engine.Output{sheetOut("movie-1.jpg", ms(0), ms(2000))}
	out, err := writeVTT(names, dir, outs, 0, ms(3500))
	require.NoError(t, err)
	require.Equal(t, engine.Output{Bucket: "b", Key: "movie.vtt", Path: filepath.Join(dir, "sprite.vtt"), ContentType: "text/vtt"}, out)
	b, err := os.ReadFile(out.Path)
	require.NoError(t, err)
	require.Equal(t, "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nmovie-1.jpg#xywh=0,0,10,10\n\n00:00:02.000 --> 00:00:03.500\nmovie-1.jpg#xywh=10,0,10,10\n", string(b))

	names.saveas = tmpl("track.vtt")
	out, err = writeVTT(names, dir, []engine.Output{sheetOut("track.vtt", 0)}, 0, ms(1))
	require.NoError(t, err)
	require.Equal(t, "track.vtt.vtt", out.Key)
}
