package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// cacheDir holds rendered source clips between runs, outside the
// repository: OSSEMU_BENCH_CACHE, or ossemu-bench in the user cache dir.
func cacheDir(b *testing.B) string {
	b.Helper()
	dir := os.Getenv("OSSEMU_BENCH_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "ossemu-bench")
	}
	require.NoError(b, os.MkdirAll(dir, 0o755))
	return dir
}

// baseSecs is the length of the one clip rendered from scratch; longer
// sources repeat it.
const baseSecs = 100

// sourceClip returns (rendering it once) a secs-long 1080p30 H.264 clip
// with a fixed 2 s GOP (keyframes every 60 frames, no scene-cut keyframes)
// and 44.1 kHz stereo AAC, the shape of a phone or camera upload. The
// picture is testsrc2 with light temporal noise, so the encoders have grain
// to code as in real footage rather than a flat synthetic picture. Clips
// longer than baseSecs loop the base clip by stream copy (rendering 1080p
// is slow on a shared machine; the GOP structure is the same).
func sourceClip(b *testing.B, secs int) string {
	b.Helper()
	path := filepath.Join(cacheDir(b), fmt.Sprintf("src-1080p30-gop2s-aac-%ds-v1.mp4", secs))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	d := strconv.Itoa(secs)
	args := []string{"-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=" + d + ",noise=alls=6:allf=t",
		"-f", "lavfi", "-i", "sine=f=440:r=44100:d=" + d,
		"-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M", "-pix_fmt", "yuv420p",
		"-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
		"-c:a", "aac", "-b:a", "128k", "-ac", "2"}
	if secs > baseSecs {
		loops := (secs + baseSecs - 1) / baseSecs
		args = []string{"-stream_loop", strconv.Itoa(loops - 1), "-i", sourceClip(b, baseSecs), "-t", d, "-c", "copy"}
	}
	tmp := path + ".part.mp4"
	out, err := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...), tmp)...).CombinedOutput()
	require.NoError(b, err, string(out))
	require.NoError(b, os.Rename(tmp, path))
	return path
}

// probed is what ffprobe reports about an output.
type probed struct {
	Streams []struct {
		CodecType    string `json:"codec_type"`
		CodecName    string `json:"codec_name"`
		Width        int
		Height       int
		AvgFrameRate string `json:"avg_frame_rate"`
		NbFrames     string `json:"nb_frames"`
		SampleRate   string `json:"sample_rate"`
		Channels     int
	}
	Format struct{ Duration string }
}

func probe(b *testing.B, path string) probed {
	b.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path).Output()
	require.NoError(b, err, path)
	var p probed
	require.NoError(b, json.Unmarshal(out, &p))
	return p
}

func (p probed) duration(b *testing.B) float64 {
	b.Helper()
	d, err := strconv.ParseFloat(p.Format.Duration, 64)
	require.NoError(b, err)
	return d
}
