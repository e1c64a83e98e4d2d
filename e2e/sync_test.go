package e2e

import (
	"encoding/binary"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// flashClip renders a clip that is black and silent except for a white
// flash and a 1 kHz beep that start together at 1 s and last 0.1 s.
func flashClip(t *testing.T, name string, fps, sampleRate int, codecArgs ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	args := []string{
		"-f", "lavfi", "-i", fmt.Sprintf("color=black:s=160x120:r=%d:d=2,drawbox=x=0:y=0:w=160:h=120:color=white:t=fill:enable='between(t,1,1.099)'", fps),
		"-f", "lavfi", "-i", fmt.Sprintf("sine=f=1000:r=%d:d=2,volume=volume=0:enable='not(between(t,1,1.1))'", sampleRate),
		"-ac", "2", "-pix_fmt", "yuv420p",
	}
	ffmpeg(t, append(append(args, codecArgs...), p)...)
	return p
}

// TestConcatKeepsSync joins clips with different frame rates, sample rates,
// containers and codecs, one of them trimmed with ss, and checks in the
// output that every flash still starts with its beep: audio and video stay
// in step across the joins.
func TestConcatKeepsSync(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	b := e.bucketV1(t, "media")
	clips := []struct{ key, path string }{
		{"a.mp4", flashClip(t, "a.mp4", 30, 44100, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")},
		{"b.mov", flashClip(t, "b.mov", 24, 48000, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le")},
		{"c.mkv", flashClip(t, "c.mkv", 25, 48000, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus")},
		{"d.mp4", flashClip(t, "d.mp4", 50, 22050, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")},
	}
	for _, c := range clips {
		require.NoError(t, b.PutObjectFromFile(c.key, c.path))
	}
	// a.mp4 whole, b.mov whole, c.mkv (the request's object) whole, d.mp4 from 0.5 s.
	process := "video/concat,f_mp4,vcodec_h264,fps_25,acodec_aac,ar_48000,ac_2" +
		"/pre,o_" + enc("a.mp4") + "/pre,o_" + enc("b.mov") + "/sur,o_" + enc("d.mp4") + ",ss_500" +
		"|sys/saveas,o_" + enc("out/sync.mp4")
	rs, err := b.AsyncProcessObject("c.mkv", process)
	require.NoError(t, err)
	e.requireSucceeded(t, rs.TaskId)
	out := filepath.Join(t.TempDir(), "sync.mp4")
	require.NoError(t, b.GetObjectToFile("out/sync.mp4", out))

	flashes, beeps := flashTimes(t, out, 25), beepTimes(t, out)
	t.Logf("flashes %.3f, beeps %.3f", flashes, beeps)
	want := []float64{1, 3, 5, 6.5}
	require.Len(t, flashes, len(want), "one flash per clip")
	require.Len(t, beeps, len(want), "one beep per clip")
	for i := range want {
		require.InDelta(t, want[i], flashes[i], 0.1, "flash %d where the clip puts it", i)
		require.InDelta(t, flashes[i], beeps[i], 0.045, "beep %d starts with its flash (within a frame)", i)
	}
}

// flashTimes returns when the picture turns white, from the decoded frames
// of a constant-rate video.
func flashTimes(t *testing.T, path string, fps float64) []float64 {
	t.Helper()
	raw, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-vf", "scale=8:8,format=gray",
		"-f", "rawvideo", "-").Output()
	require.NoError(t, err)
	var times []float64
	lit := false
	for i := 0; i+64 <= len(raw); i += 64 {
		sum := 0
		for _, v := range raw[i : i+64] {
			sum += int(v)
		}
		on := sum/64 > 128
		if on && !lit {
			times = append(times, float64(i/64)/fps)
		}
		lit = on
	}
	return times
}

// beepTimes returns when the sound starts after silence, in 5 ms steps.
func beepTimes(t *testing.T, path string) []float64 {
	t.Helper()
	const rate, win = 8000, 40
	raw, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:a", "-ac", "1", "-ar", fmt.Sprint(rate),
		"-f", "s16le", "-").Output()
	require.NoError(t, err)
	var times []float64
	loud := false
	for i := 0; i+2*win <= len(raw); i += 2 * win {
		var sum float64
		for j := 0; j < win; j++ {
			v := float64(int16(binary.LittleEndian.Uint16(raw[i+2*j:])))
			sum += v * v
		}
		on := math.Sqrt(sum/win) > 2000
		if on && !loud {
			times = append(times, float64(i/2)/rate)
		}
		loud = on
	}
	return times
}
