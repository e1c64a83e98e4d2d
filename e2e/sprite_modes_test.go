package e2e

import (
	"fmt"
	"image"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSpriteModes checks the capture modes besides the seed's through the
// v1 SDK: key (one cell per keyframe of a clip with a fixed GOP), inter
// with ss and num, and dhash (one cell per distinct scene).
func TestSpriteModes(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	b := e.bucketV1(t, "media")
	dir := t.TempDir()

	// 20 s of testsrc2 with a keyframe exactly every 2 s (no scene cuts).
	gop := filepath.Join(dir, "gop.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=20",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", gop)
	require.NoError(t, b.PutObjectFromFile("gop.mp4", gop))
	// Three static, different scenes of 2 s each.
	scenes := filepath.Join(dir, "scenes.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", "smptebars=size=160x120:rate=25:duration=2",
		"-f", "lavfi", "-i", "rgbtestsrc=size=160x120:rate=25:duration=2",
		"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=2",
		"-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v]", "-map", "[v]",
		"-c:v", "libx264", "-preset", "ultrafast", scenes)
	require.NoError(t, b.PutObjectFromFile("scenes.mp4", scenes))

	t.Run("key", func(t *testing.T) {
		t.Parallel()
		keyframes := countKeyframes(t, gop)
		require.Equal(t, 10, keyframes, "the clip has a keyframe every 2 s")
		v := submitV1(t, e, "media", "gop.mp4", "video/sprite,f_png,m_key,sw_80,sh_60,tw_5,th_2,pad_0,margin_0|sys/saveas,o_"+enc("key/{index}.{autoext}"))
		require.Equal(t, uris("media", []string{"key/1.png"}), targetURIs(v))
		img := downloadImage(t, b, "key/1.png", "png")
		require.Equal(t, image.Pt(400, 120), img.Bounds().Size())
		refs := referenceFrames(t, gop, 50, 80, 60)
		g := grid{cw: 80, ch: 60, tw: 5, th: 2}
		for i := range keyframes {
			require.Equal(t, i, nearest(img, g.cell(i), refs), "cell %d is the keyframe at %d s", i, 2*i)
		}
	})

	t.Run("inter with ss and num", func(t *testing.T) {
		t.Parallel()
		v := submitV1(t, e, "media", "gop.mp4", "video/sprite,f_png,ss_10000,num_5,inter_1000,sw_80,sh_60,tw_5,th_1,pad_0,margin_0|sys/saveas,o_"+enc("inter/{index}.{autoext}"))
		require.Equal(t, uris("media", []string{"inter/1.png"}), targetURIs(v))
		img := downloadImage(t, b, "inter/1.png", "png")
		require.Equal(t, image.Pt(400, 60), img.Bounds().Size())
		refs := referenceFrames(t, gop, 25, 80, 60) // one per second
		g := grid{cw: 80, ch: 60, tw: 5, th: 1}
		for i := range 5 {
			require.Equal(t, 10+i, nearest(img, g.cell(i), refs), "cell %d is the frame at %d s", i, 10+i)
		}
	})

	t.Run("dhash keeps one frame per scene", func(t *testing.T) {
		t.Parallel()
		v := submitV1(t, e, "media", "scenes.mp4", "video/sprite,f_png,m_dhash,thr_10,inter_250,sw_80,sh_60,tw_4,th_1,pad_0,margin_0|sys/saveas,o_"+enc("dhash/{index}.{autoext}"))
		require.Equal(t, uris("media", []string{"dhash/1.png"}), targetURIs(v))
		img := downloadImage(t, b, "dhash/1.png", "png")
		g := grid{cw: 80, ch: 60, tw: 4, th: 1}
		refs := referenceFrames(t, scenes, 50, 80, 60) // the first frame of each scene
		for i := range 3 {
			require.Greater(t, meanLuma(img, g.cell(i)), 20.0, "cell %d holds a frame", i)
			require.Equal(t, i, nearest(img, g.cell(i), refs), "cell %d is scene %d", i, i)
		}
		require.Less(t, meanLuma(img, g.cell(3)), float64(emptyLuma), "no fourth frame")
	})
}

// countKeyframes counts a video's keyframes by decoding only those.
func countKeyframes(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey", "-count_frames",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).Output()
	require.NoError(t, err)
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(first), ","))
	require.NoError(t, err, fmt.Sprintf("%q", out))
	return n
}
