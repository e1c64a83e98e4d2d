package sprite

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// spGOPClip is 10 s at 30 fps with a keyframe exactly every 45 frames
// (1.5 s): keyframes at 0, 1.5, …, 9 s.
func spGOPClip(t testing.TB) string {
	return enginetest.Clip(t, "gop10.mp4", "-f", "lavfi", "-i", "testsrc=s=320x240:r=30:d=10,scroll=h=0.0123:v=0.0071",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "45", "-keyint_min", "45", "-sc_threshold", "0", "-pix_fmt", "yuv420p")
}

// spKeyframes counts keyframe packets with ffprobe.
func spKeyframes(t testing.TB, clip string) int {
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags",
		"-of", "csv=p=0", clip).Output()
	require.NoError(t, err)
	return strings.Count(string(out), "K")
}

func TestSpriteKeyMode(t *testing.T) {
	t.Parallel()
	clip := spGOPClip(t)
	n := spKeyframes(t, clip)
	require.Equal(t, 7, n)
	for _, tc := range []struct {
		process string
		want    []time.Duration
	}{
		{"video/sprite,f_jpg,m_key,sw_160,tw_4,th_2", spTimes(0, 1500*time.Millisecond, n)},
		{"video/sprite,f_jpg,m_key,sw_160,tw_4,th_2,ss_4000", spTimes(4500*time.Millisecond, 1500*time.Millisecond, 4)},
		{"video/sprite,f_jpg,m_key,sw_160,tw_4,th_2,num_3", spTimes(0, 1500*time.Millisecond, 3)},
	} {
		t.Run(tc.process, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spPathStore, clip, tc.process, "k/{index}")
			res, times, _ := spRun(t, job, true)
			require.Equal(t, tc.want, times)
			require.Len(t, res.Outputs, (len(tc.want)+7)/8)
			img, _ := enginetest.DecodeImage(t, res.Outputs[0])
			cells := spCells(img, job.Pipeline.Sprite, image.Pt(160, 120), min(8, len(tc.want)))
			spRequireFrames(t, clip, cells, tc.want[:len(cells)], 3)
		})
	}
}

func TestSpriteInterMode(t *testing.T) {
	t.Parallel()
	clip := spScrollClip(t)
	short := enginetest.Clip(t, "short2.mp4", "-f", "lavfi", "-i", "testsrc=s=160x120:r=30:d=2", "-c:v", "libx264", "-preset", "ultrafast")
	for _, tc := range []struct {
		name, clip, process string
		want                []time.Duration
	}{
		{"ss and num", clip, "video/sprite,f_jpg,sw_80,ss_1500,inter_1000,num_5,tw_5,th_1", spTimes(1500*time.Millisecond, time.Second, 5)},
		{"every frame", short, "video/sprite,f_jpg,sw_32,inter_0,tw_10,th_10", spTimes(0, 0, 60)},
		{"below frame interval", short, "video/sprite,f_jpg,sw_32,inter_10,tw_10,th_10", spTimes(0, 0, 60)},
		{"every frame capped", short, "video/sprite,f_jpg,sw_32,num_7,tw_10,th_10", spTimes(0, 0, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spPathStore, tc.clip, tc.process, "i/{index}")
			_, times, _ := spRun(t, job, true)
			require.Len(t, times, len(tc.want))
			for i, got := range times {
				want := tc.want[i]
				if want == 0 && i > 0 { // every frame: 30 fps
					want = time.Duration(i) * time.Second / 30
				}
				require.InDelta(t, want.Seconds(), got.Seconds(), 0.001, "frame %d", i)
			}
		})
	}
}

func TestSpriteSeekingPicksTheSameFrames(t *testing.T) {
	t.Parallel()
	clip := spScrollClip(t)
	for _, process := range []string{
		"video/sprite,f_jpg,sw_160,inter_7000,tw_3,th_3",
		"video/sprite,f_jpg,sw_160,ss_3100,inter_4300,num_8,tw_3,th_3",
		"video/sprite,f_jpg,sw_160,m_avg,num_9,tw_3,th_3",
	} {
		t.Run(process, func(t *testing.T) {
			t.Parallel()
			seekRes, seekTimes, seeks := spRun(t, spJob(t, spPathStore, clip, process, "s/{index}"), true)
			flatRes, flatTimes, flatSeeks := spRun(t, spJob(t, spAVIOStore, clip, process, "s/{index}"), false)
			require.Positive(t, seeks)
			require.Zero(t, flatSeeks)
			require.Equal(t, flatTimes, seekTimes)
			require.Len(t, seekRes.Outputs, len(flatRes.Outputs))
			for i := range seekRes.Outputs {
				a, err := os.ReadFile(seekRes.Outputs[i].Path)
				require.NoError(t, err)
				b, err := os.ReadFile(flatRes.Outputs[i].Path)
				require.NoError(t, err)
				require.Equal(t, a, b, "sheet %d differs", i+1)
			}
		})
	}
}

// spScenesClip is five 1-second scenes at 10 fps, each a distinct random
// 9×8 block pattern with a little per-frame noise, so dHash sees one
// scene as one picture and every cut as a big change.
func spScenesClip(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(7))
	for scene := 0; scene < 5; scene++ {
		var blocks [8][9]uint8
		for y := range blocks {
			for x := range blocks[y] {
				blocks[y][x] = uint8(20 + rng.Intn(216))
			}
		}
		for f := 0; f < 10; f++ {
			img := image.NewGray(image.Rect(0, 0, 180, 120))
			for y := 0; y < 120; y++ {
				for x := 0; x < 180; x++ {
					img.SetGray(x, y, color.Gray{Y: blocks[y/15][x/20] + uint8(rng.Intn(7))})
				}
			}
			fh, err := os.Create(filepath.Join(dir, "f"+string(rune('0'+scene))+string(rune('0'+f))+".png"))
			require.NoError(t, err)
			require.NoError(t, png.Encode(fh, img))
			require.NoError(t, fh.Close())
		}
	}
	out := filepath.Join(dir, "scenes.mp4")
	b, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-framerate", "10", "-pattern_type", "glob",
		"-i", filepath.Join(dir, "f*.png"), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out).CombinedOutput()
	require.NoError(t, err, string(b))
	return out
}

func TestSpriteDHashKeepsOneFramePerScene(t *testing.T) {
	t.Parallel()
	clip := spScenesClip(t)
	scenes := spTimes(0, time.Second, 5)
	for _, tc := range []struct {
		process string
		want    []time.Duration
	}{
		{"video/sprite,f_png,m_dhash,thr_10,sw_90,tw_5,th_1", scenes},
		{"video/sprite,f_png,m_dhash,thr_20,inter_500,sw_90,tw_5,th_1", scenes},
		{"video/sprite,f_png,m_dhash,thr_10,num_3,sw_90,tw_5,th_1", scenes[:3]},
		// thr 100 never exceeds the distance: only the first frame.
		{"video/sprite,f_png,m_dhash,thr_100,sw_90,tw_5,th_1", scenes[:1]},
	} {
		t.Run(tc.process, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spPathStore, clip, tc.process, "d/{index}")
			res, times, _ := spRun(t, job, true)
			require.Equal(t, tc.want, times)
			img, _ := enginetest.DecodeImage(t, res.Outputs[0])
			spRequireFrames(t, clip, spCells(img, job.Pipeline.Sprite, image.Pt(90, 60), len(times)), tc.want, 3)
		})
	}
}

func TestSpriteProgressAndCancel(t *testing.T) {
	t.Parallel()
	clip := spGOPClip(t)
	job := spJob(t, spPathStore, clip, "video/sprite,f_jpg,sw_80,inter_500,tw_5,th_5", "p/{index}")
	var seen []int
	job.Progress = func(p int) { seen = append(seen, p) }
	_, _, _ = spRun(t, job, true)
	require.NotEmpty(t, seen)
	require.IsNonDecreasing(t, seen)
	require.Equal(t, 100, seen[len(seen)-1])
	require.Greater(t, len(seen), 10)

	ctx, cancel := context.WithCancel(context.Background())
	job = spJob(t, spPathStore, clip, "video/sprite,f_jpg,sw_80,inter_0,tw_5,th_5", "p/{index}")
	job.Progress = func(p int) {
		if p > 20 {
			cancel()
		}
	}
	_, _, err := spRunJob(ctx, job, true)
	require.ErrorIs(t, err, context.Canceled)
}
