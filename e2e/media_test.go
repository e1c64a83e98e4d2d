package e2e

import (
	"encoding/binary"
	"encoding/json"
	"image"
	_ "image/jpeg" // image.Decode reads JPEG sheets
	_ "image/png"  // and PNG ones
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// videos is the repository's clip set (testdata/videos/gen.sh).
const videos = "../testdata/videos/"

// ffmpeg runs the ffmpeg CLI quietly and fails the test on error.
func ffmpeg(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...).CombinedOutput()
	require.NoError(t, err, "ffmpeg %s\n%s", strings.Join(args, " "), out)
}

// makeClip renders an H.264/AAC MP4 test pattern of the given length and
// size (testsrc draws a running timestamp, so frames differ over time).
func makeClip(t *testing.T, name string, seconds int, size string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	d := strconv.Itoa(seconds)
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc=size="+size+":rate=25:duration="+d,
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration="+d, "-ac", "2",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50",
		"-c:a", "aac", "-b:a", "64k", "-shortest", p)
	return p
}

// probe is the part of ffprobe's JSON the tests read.
type probe struct {
	Streams []struct {
		CodecType    string `json:"codec_type"`
		CodecName    string `json:"codec_name"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		AvgFrameRate string `json:"avg_frame_rate"`
		RFrameRate   string `json:"r_frame_rate"`
		SampleRate   string `json:"sample_rate"`
		Channels     int    `json:"channels"`
		Duration     string `json:"duration"`
	} `json:"streams"`
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		BitRate    string `json:"bit_rate"`
	} `json:"format"`
}

func ffprobe(t *testing.T, path string) probe {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries",
		"stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,sample_rate,channels,duration"+
			":format=format_name,duration,bit_rate", "-of", "json", path).Output()
	require.NoError(t, err, "ffprobe %s", path)
	var p probe
	require.NoError(t, json.Unmarshal(out, &p))
	return p
}

// stream returns the index of the only stream of a type.
func (p probe) stream(t *testing.T, kind string) int {
	t.Helper()
	idx := -1
	for i, s := range p.Streams {
		if s.CodecType == kind {
			require.Equal(t, -1, idx, "more than one %s stream", kind)
			idx = i
		}
	}
	require.NotEqual(t, -1, idx, "no %s stream", kind)
	return idx
}

func (p probe) duration(t *testing.T) float64 { return num(t, p.Format.Duration) }

func (p probe) streamDuration(t *testing.T, i int) float64 { return num(t, p.Streams[i].Duration) }

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "%q is not a number", s)
	return f
}

// rate parses ffprobe's "num/den" frame rates.
func rate(t *testing.T, s string) float64 {
	t.Helper()
	n, d, ok := strings.Cut(s, "/")
	require.True(t, ok, s)
	den := num(t, d)
	require.NotZero(t, den, s)
	return num(t, n) / den
}

// topLevelBoxes lists an MP4's top-level box types in file order.
func topLevelBoxes(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var types []string
	var hdr [16]byte
	for off := int64(0); ; {
		if _, err := f.ReadAt(hdr[:8], off); err == io.EOF {
			return types
		} else {
			require.NoError(t, err)
		}
		size := int64(binary.BigEndian.Uint32(hdr[:4]))
		types = append(types, string(hdr[4:8]))
		switch size {
		case 0: // to the end of the file
			return types
		case 1: // 64-bit size follows
			_, err := f.ReadAt(hdr[8:16], off+8)
			require.NoError(t, err)
			size = int64(binary.BigEndian.Uint64(hdr[8:16]))
		}
		require.GreaterOrEqual(t, size, int64(8), "box %q at %d", hdr[4:8], off)
		off += size
	}
}

// requireFaststart checks that the index (moov) precedes the media (mdat),
// so browsers can play the file while it downloads.
func requireFaststart(t *testing.T, path string) {
	t.Helper()
	boxes := topLevelBoxes(t, path)
	moov, mdat := -1, -1
	for i, b := range boxes {
		if b == "moov" && moov < 0 {
			moov = i
		}
		if b == "mdat" && mdat < 0 {
			mdat = i
		}
	}
	require.True(t, moov >= 0 && mdat >= 0, "boxes %v", boxes)
	require.Less(t, moov, mdat, "moov must come before mdat: %v", boxes)
}

// decodeImage decodes a downloaded JPEG or PNG and returns it with its format.
func decodeImage(t *testing.T, path string) (image.Image, string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, format, err := image.Decode(f)
	require.NoError(t, err, path)
	return img, format
}

// meanLuma is the average BT.601 luma (0–255) of a rectangle.
func meanLuma(img image.Image, r image.Rectangle) float64 {
	var sum float64
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sum += (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// meanAbsDiff is the mean absolute luma difference between a rectangle of a
// and the whole of b, which must have the rectangle's size.
func meanAbsDiff(a image.Image, r image.Rectangle, b image.Image) float64 {
	var sum float64
	n := 0
	luma := func(img image.Image, x, y int) float64 {
		cr, cg, cb, _ := img.At(x, y).RGBA()
		return (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
	}
	bb := b.Bounds()
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			d := luma(a, r.Min.X+x, r.Min.Y+y) - luma(b, bb.Min.X+x, bb.Min.Y+y)
			if d < 0 {
				d = -d
			}
			sum += d
			n++
		}
	}
	return sum / float64(n)
}

// countFrames decodes a file's video stream and counts its frames.
func countFrames(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).Output()
	require.NoError(t, err)
	// TS files list the stream twice (under its program too): take the first.
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(first), ","))
	require.NoError(t, err, string(out))
	return n
}
