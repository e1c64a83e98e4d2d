package e2e

import (
	"bufio"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The clip of this test shows its own frame number: 10 fps, 20 s, a
// picture of 8 vertical bars where bar k is white when bit k of the frame
// index is set (ffmpeg's geq filter draws it from N). A sprite cell is
// read back bar by bar, so the test knows which frame it holds.
const (
	vttFPS  = 10
	vttBars = 8
)

func indexClip(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "frames.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", fmt.Sprintf("nullsrc=s=320x240:r=%d:d=20,format=gray,geq=lum='255*mod(floor(N/pow(2,floor(X*%d/W))),2)'", vttFPS, vttBars),
		"-c:v", "libx264", "-preset", "ultrafast", "-qp", "10", "-g", "20", "-pix_fmt", "yuv420p", p)
	return p
}

// frameIndex reads the frame number a cell shows from its bars (the
// middle half of each, away from edges the scaler and JPEG blur).
func frameIndex(img image.Image, r image.Rectangle) int {
	n := 0
	bw := float64(r.Dx()) / vttBars
	for k := range vttBars {
		x0 := r.Min.X + int(bw*(float64(k)+0.25))
		x1 := r.Min.X + int(bw*(float64(k)+0.75))
		if meanLuma(img, image.Rect(x0, r.Min.Y+r.Dy()/4, x1, r.Max.Y-r.Dy()/4)) > 128 {
			n |= 1 << k
		}
	}
	return n
}

// vttCue is one parsed WebVTT cue with an xywh media fragment.
type vttCue struct {
	start, end float64
	sheet      string
	box        image.Rectangle
}

var (
	vttTiming = regexp.MustCompile(`^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$`)
	vttFrag   = regexp.MustCompile(`^(.+)#xywh=(\d+),(\d+),(\d+),(\d+)$`)
)

// parseVTT parses a WebVTT thumbnail track strictly: the WEBVTT header,
// then blocks of a timing line and one payload line, separated by blank
// lines, with end after start.
func parseVTT(t *testing.T, path string) []vttCue {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	require.True(t, sc.Scan())
	require.Equal(t, "WEBVTT", sc.Text())
	ts := func(m []string) float64 {
		h, _ := strconv.Atoi(m[0])
		mi, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		ms, _ := strconv.Atoi(m[3])
		return float64(h*3600+mi*60+s) + float64(ms)/1000
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	var cues []vttCue
	for sc.Scan() {
		require.Empty(t, sc.Text(), "a blank line between blocks")
		require.True(t, sc.Scan())
		m := vttTiming.FindStringSubmatch(sc.Text())
		require.NotNil(t, m, "timing line %q", sc.Text())
		require.True(t, sc.Scan())
		f := vttFrag.FindStringSubmatch(sc.Text())
		require.NotNil(t, f, "payload %q", sc.Text())
		c := vttCue{start: ts(m[1:5]), end: ts(m[5:9]), sheet: f[1]}
		x, y := atoi(f[2]), atoi(f[3])
		c.box = image.Rect(x, y, x+atoi(f[4]), y+atoi(f[5]))
		require.Greater(t, c.end, c.start)
		cues = append(cues, c)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, cues)
	return cues
}

// The WebVTT track `emulator process --vtt` writes parses, its cues run
// back to back from ss to the end of the video, each cue's box is inside
// its sheet and on the grid, and each cell shows the frame at the time the
// cell map records (read from the picture itself). The server with
// --sprite-vtt publishes the same track next to the sheets, and its task
// API the same cell map.
func TestProcessVTT(t *testing.T) {
	t.Parallel()
	clip := indexClip(t)
	end := num(t, ffprobe(t, clip).Streams[0].Duration)
	const (
		ss, cw, ch, tw, th, pad, margin = 1.5, 160, 120, 4, 3, 2, 3
	)
	style := fmt.Sprintf("video/sprite,f_png,ss_%d,inter_1000,sw_%d,sh_%d,tw_%d,th_%d,pad_%d,margin_%d",
		int(ss*1000), cw, ch, tw, th, pad, margin) +
		"|sys/saveas,o_" + enc("thumbs/{barename}-{index}.{autoext}")
	dir := t.TempDir()
	lv := requireProcessed(t, "-i", clip, "-o", dir, "--vtt", style)
	track := filepath.Join(dir, "thumbs", "frames.vtt")
	require.Equal(t, []string{
		filepath.Join(dir, "thumbs", "frames-1.png"), filepath.Join(dir, "thumbs", "frames-2.png"), track,
	}, lv.Files)

	cues := parseVTT(t, track)
	require.Len(t, cues, 19, "1.5 s, 2.5 s, … 19.5 s")
	require.InDelta(t, ss, cues[0].start, 1e-9, "from ss")
	require.InDelta(t, end, cues[len(cues)-1].end, 0.0015, "to the end of the video")
	var cells []float64 // the cell map's times, in order
	for _, s := range lv.Sprite.Sheets {
		for _, c := range s.Cells {
			cells = append(cells, c.Time)
		}
	}
	require.Len(t, cells, len(cues))

	sheets := map[string]image.Image{}
	for i, c := range cues {
		if i > 0 {
			require.Equal(t, cues[i-1].end, c.start, "cue %d starts where %d ends", i, i-1)
			require.InDelta(t, cells[i], c.start, 0.0005, "cue %d starts at its frame", i)
		}
		img, ok := sheets[c.sheet]
		if !ok {
			img, _ = decodeImage(t, filepath.Join(filepath.Dir(track), c.sheet))
			sheets[c.sheet] = img
		}
		require.True(t, c.box.In(img.Bounds()), "cue %d box %v inside its %v sheet", i, c.box, img.Bounds())
		n := i % (tw * th)
		col, row := n%tw, n/tw
		at := image.Pt(margin+col*(cw+pad), margin+row*(ch+pad))
		want := image.Rectangle{Min: at, Max: at.Add(image.Pt(cw, ch))}
		require.Equal(t, want, c.box, "cue %d on the grid", i)
		require.Equal(t, fmt.Sprintf("frames-%d.png", i/(tw*th)+1), c.sheet)

		frame := frameIndex(img, c.box)
		require.InDelta(t, cells[i], float64(frame)/vttFPS, 1e-6, "cue %d: the cell shows frame %d", i, frame)
		require.Equal(t, int(math.Round((ss+float64(i))*vttFPS)), frame, "cue %d: the first frame at ss + %d s", i, i)
	}

	// The same through the server with --sprite-vtt.
	e := startEmulatorArgs(t, []string{"--sprite-vtt"}, "media")
	require.NoError(t, e.bucketV1(t, "media").PutObjectFromFile("frames.mp4", clip))
	rs, err := e.bucketV1(t, "media").AsyncProcessObject("frames.mp4", style)
	require.NoError(t, err)
	sv := e.requireSucceeded(t, rs.TaskId)
	require.Equal(t, []string{"oss://media/thumbs/frames-1.png", "oss://media/thumbs/frames-2.png", "oss://media/thumbs/frames.vtt"}, targetURIs(sv))
	got := filepath.Join(t.TempDir(), "server.vtt")
	require.NoError(t, e.bucketV1(t, "media").GetObjectToFile("thumbs/frames.vtt", got))
	meta, err := e.bucketV1(t, "media").GetObjectDetailedMeta("thumbs/frames.vtt")
	require.NoError(t, err)
	require.Equal(t, "text/vtt", meta.Get("Content-Type"))
	requireSameFile(t, track, got)
	require.Equal(t, lv.Sprite.withoutURIs(), e.spriteMap(t, rs.TaskId).withoutURIs())
	require.True(t, strings.HasPrefix(e.spriteMap(t, rs.TaskId).Sheets[0].URI, "oss://media/thumbs/"))
}
