package sprite

import (
	"context"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// spScrollClip is the 60 s test clip: testsrc (colour bars, a moving
// gradient and a frame counter) scrolled both ways at rates whose joint
// period is far longer than the clip, so frames seconds apart look clearly
// different even as 9×8 thumbnails. 30 fps, a keyframe every 2 s.
func spScrollClip(t testing.TB) string {
	return enginetest.Clip(t, "scroll60.mp4", "-f", "lavfi", "-i",
		"testsrc=s=320x240:r=30:d=60,scroll=h=0.0123:v=0.0071",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p")
}

// spJob builds a job for process on bucket "src", key "in.mp4", holding
// clip, saving to saveas (an object template).
func spJob(t testing.TB, store func(dir string) storage.Backend, clip, process, saveas string) *spTask {
	t.Helper()
	dir := t.TempDir()
	enginetest.Put(t, dir, "src", "in.mp4", clip)
	full := process + "|sys/saveas,o_" + base64.RawURLEncoding.EncodeToString([]byte(saveas))
	pl, err := parser.Parse(full)
	require.NoError(t, err, full)
	work := filepath.Join(dir, "work")
	require.NoError(t, os.MkdirAll(work, 0o755))
	return &spTask{Job: &queue.Job{
		TaskID: "t", Bucket: "src", Object: "in.mp4", Process: full, Storage: store(dir),
		WorkDir: work, Threads: 2, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Progress: func(int) {},
	}, Pipeline: pl}
}

// spTask is a queued job with its process string parsed, so a test can
// read or change the request; Process parses job.Process itself.
type spTask struct {
	*queue.Job
	Pipeline *parser.Pipeline
}

// spParsed is job with its process string parsed.
func spParsed(t testing.TB, job *queue.Job) *spTask {
	t.Helper()
	pl, err := parser.Parse(job.Process)
	require.NoError(t, err, job.Process)
	return &spTask{Job: job, Pipeline: pl}
}

func TestMain(m *testing.M) { enginetest.Main(m) }

func spPathStore(dir string) storage.Backend {
	return enginetest.PathStore{DirStore: enginetest.DirStore{Dir: dir}}
}
func spAVIOStore(dir string) storage.Backend { return enginetest.DirStore{Dir: dir} }

// spRun runs the engine, seeking or not, and returns the result, the
// times of the captured frames and the number of seeks.
func spRun(t testing.TB, job *spTask, seek bool) (*queue.Result, []time.Duration, int) {
	t.Helper()
	res, c, err := spRunJob(context.Background(), job, seek)
	require.NoError(t, err)
	return res, c.Times, c.Seeks
}

// spRunJob runs job's request through the engine's run, seeking or not,
// and returns what Process would, plus the capture.
func spRunJob(ctx context.Context, job *spTask, seek bool) (*queue.Result, *capture, error) {
	p := job.Pipeline
	outs, c, err := New(engine.DefaultConfig()).run(ctx, p.Sprite, p.SaveAs, engine.TaskOf(job.Job), seek)
	res, err := engine.Result(outs, err)
	return res, c, err
}

// spCells cuts the cells of a sheet, row-major, n of them.
func spCells(sheet image.Image, p *parser.Sprite, cell image.Point, n int) []image.Image {
	type sub interface {
		SubImage(image.Rectangle) image.Image
	}
	var out []image.Image
	for i := 0; i < n; i++ {
		col, row := i%p.Columns, i/p.Columns
		min := image.Pt(p.Margin+col*(cell.X+p.Pad), p.Margin+row*(cell.Y+p.Pad))
		out = append(out, sheet.(sub).SubImage(image.Rectangle{Min: min, Max: min.Add(cell)}))
	}
	return out
}

// spRequireFrames proves frame choice: each cell is closest (by dHash
// distance, within bound) to the CLI's frame at its own expected time
// among the frames at all the expected times.
func spRequireFrames(t *testing.T, clip string, cells []image.Image, want []time.Duration, bound int) {
	t.Helper()
	require.Len(t, cells, len(want))
	refs := make([]uint64, len(want))
	for i, at := range want {
		b := cells[i].Bounds()
		refs[i] = enginetest.DHashImage(enginetest.CLIFrame(t, clip, at, b.Dx(), b.Dy()))
	}
	for i, c := range cells {
		h := enginetest.DHashImage(c)
		d := libav.HashDistance(h, refs[i])
		require.LessOrEqual(t, d, bound, "cell %d (%v) differs from the CLI frame by %d bits", i, want[i], d)
		for j := range refs {
			if j != i && refs[j] != refs[i] {
				require.Less(t, d, libav.HashDistance(h, refs[j]), "cell %d (%v) looks more like the frame at %v", i, want[i], want[j])
			}
		}
	}
}

// spTimes is start, start+step, … (n times).
func spTimes(start, step time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = start + time.Duration(i)*step
	}
	return out
}

func TestSpriteSeedExample1(t *testing.T) {
	t.Parallel()
	clip := spScrollClip(t)
	for name, store := range map[string]func(string) storage.Backend{"path": spPathStore, "avio": spAVIOStore} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, store, clip, "video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0", "out/sheet-{index}.{autoext}")
			res, times, _ := spRun(t, job, true)
			want := spTimes(0, 2*time.Second, 30)
			require.Equal(t, want, times)
			require.Len(t, res.Outputs, 4)
			var cells []image.Image
			for i, o := range res.Outputs {
				require.Equal(t, fmt.Sprintf("out/sheet-%d.jpg", i+1), o.Key)
				require.Equal(t, "src", o.Bucket)
				require.Equal(t, "image/jpeg", o.ContentType)
				img, format := enginetest.DecodeImage(t, o)
				require.Equal(t, "jpeg", format)
				require.Equal(t, image.Pt(600, 450), img.Bounds().Size())
				cells = append(cells, spCells(img, job.Pipeline.Sprite, image.Pt(200, 150), min(9, 30-9*i))...)
				if i == 3 { // the partial sheet keeps its empty cells black
					r, g, b, _ := img.At(500, 400).RGBA()
					require.Less(t, r+g+b, uint32(3*0x0800))
				}
			}
			if name == "path" {
				spRequireFrames(t, clip, cells, want, 3)
			}
		})
	}
}

func TestSpriteSeedExample2(t *testing.T) {
	t.Parallel()
	clip := spScrollClip(t)
	job := spJob(t, spPathStore, clip, "video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5", "out/avg-{index}.{autoext}")
	res, times, _ := spRun(t, job, true)
	// 100 frames evenly over 60 s: one every 600 ms (frame 18k at 30 fps).
	want := spTimes(0, 600*time.Millisecond, 100)
	require.Equal(t, want, times)
	require.Len(t, res.Outputs, 1)
	img, _ := enginetest.DecodeImage(t, res.Outputs[0])
	// 10% of 320x240 is 32x24; 2·5 + 10·32 + 9·4 = 366, 2·5 + 10·24 + 9·4 = 286.
	require.Equal(t, image.Pt(366, 286), img.Bounds().Size())
	all := spCells(img, job.Pipeline.Sprite, image.Pt(32, 24), 100)
	var cells []image.Image
	var at []time.Duration
	for i := 0; i < 100; i += 5 { // every 5th cell keeps the CLI calls few
		cells, at = append(cells, all[i]), append(at, want[i])
	}
	spRequireFrames(t, clip, cells, at, 3)
}
