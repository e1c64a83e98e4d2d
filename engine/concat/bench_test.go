package concat

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// The concat benchmark runs one job through ossemu's engine and through
// the ffmpeg CLI with the same filter graph and encoder settings, each in
// its own process so both peak RSS figures are measured alike, and prints
// the wall-time ratio (target ≤ 1.05) and the peak RSS of both for two clip
// lengths (target: flat in clip length, ≤ 300 MB at 1080p).
//
//	go test ./engine/concat/ -run '^$' -bench BenchmarkConcatVsFFmpeg -benchtime 1x

// benchJob is what the child process runs.
type benchJob struct {
	Dir     string   // bucket directory holding the clips
	Clips   []string // keys, in order
	Process string
	Threads int
	Preset  string
}

const (
	benchThreads = 2
	benchPreset  = "veryfast"
	benchEnv     = "OSSEMU_CONCAT_BENCH_JOB"
)

func BenchmarkConcatVsFFmpeg(b *testing.B) {
	dir := b.TempDir()
	for _, secs := range []int{4, 12} {
		a := benchClip(b, dir, fmt.Sprintf("a%d.mp4", secs), "testsrc2=s=1920x1080:r=30:d="+strconv.Itoa(secs), secs)
		c := benchClip(b, dir, fmt.Sprintf("b%d.mp4", secs), "testsrc=s=1280x720:r=25:d="+strconv.Itoa(secs), secs)
		job := benchJob{
			Dir: dir, Clips: []string{filepath.Base(a), filepath.Base(c)}, Threads: benchThreads, Preset: benchPreset,
			Process: "video/concat,f_mp4,vcodec_h264,fps_25,vb_4000000,acodec_aac,ab_128000,ar_48000,ac_2/sur,o_" +
				enginetest.B64(filepath.Base(c)) + enginetest.SaveAs("out.mp4"),
		}
		cli := benchCLIArgs(b, job, filepath.Join(dir, "cli.mp4"))
		var eng, ref benchRun
		for i := 0; i < b.N; i++ {
			// Alternate and keep the fastest of two, to damp a shared machine.
			for r := 0; r < 2; r++ {
				eng = eng.best(benchExec(b, exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkConcatChild$", "-test.benchtime=1x"), job))
				ref = ref.best(benchExec(b, exec.Command("ffmpeg", cli...), benchJob{}))
			}
		}
		ratio := eng.wall.Seconds() / ref.wall.Seconds()
		cpuRatio := eng.cpu.Seconds() / ref.cpu.Seconds()
		fmt.Printf("concat 2×%ds 1080p+720p → 1080p25 h264 4M/aac: engine %.2fs wall %.2fs CPU %d MB RSS; "+
			"ffmpeg CLI %.2fs wall %.2fs CPU %d MB RSS; wall ratio %.3f, CPU ratio %.3f\n",
			secs, eng.wall.Seconds(), eng.cpu.Seconds(), eng.rssKB>>10, ref.wall.Seconds(), ref.cpu.Seconds(), ref.rssKB>>10, ratio, cpuRatio)
		b.ReportMetric(ratio, fmt.Sprintf("ratio-%ds", secs))
		b.ReportMetric(cpuRatio, fmt.Sprintf("cpuratio-%ds", secs))
		b.ReportMetric(float64(eng.rssKB>>10), fmt.Sprintf("engineMB-%ds", secs))
		b.ReportMetric(float64(ref.rssKB>>10), fmt.Sprintf("cliMB-%ds", secs))
	}
}

// BenchmarkConcatChild is the engine side, run in a child process by
// BenchmarkConcatVsFFmpeg; on its own it has nothing to do.
func BenchmarkConcatChild(b *testing.B) {
	raw := os.Getenv(benchEnv)
	if raw == "" {
		b.Skip("run by BenchmarkConcatVsFFmpeg")
	}
	var job benchJob
	if err := json.Unmarshal([]byte(raw), &job); err != nil {
		b.Fatal(err)
	}
	if _, err := parser.Parse(job.Process); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		_, err := New(engine.Config{VideoPreset: job.Preset}).Process(context.Background(), &queue.Job{
			Bucket: filepath.Base(job.Dir), Object: job.Clips[0], Process: job.Process,
			Storage: enginetest.PathStore{DirStore: enginetest.DirStore{Dir: filepath.Dir(job.Dir)}}, WorkDir: b.TempDir(), Threads: job.Threads,
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchCLIArgs is the ffmpeg command doing the same work: every clip
// through the engine's own per-clip filter chains, joined by the concat
// filter, encoded with the same encoder options and written with faststart.
func benchCLIArgs(b *testing.B, job benchJob, out string) []string {
	p, err := parser.Parse(job.Process)
	if err != nil {
		b.Fatal(err)
	}
	store := enginetest.PathStore{DirStore: enginetest.DirStore{Dir: filepath.Dir(job.Dir)}}
	task := engine.Task{Bucket: filepath.Base(job.Dir), Object: job.Clips[0], Storage: store}
	clips, err := openClips(context.Background(), task, p.Concat, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer closeClips(clips)
	pl, err := newPlan(p.Concat, clips)
	if err != nil {
		b.Fatal(err)
	}
	// Same sample format as the engine's encoder input.
	pl.audio.shape = libav.AudioShape{SampleRate: pl.audio.rate, Layout: pl.audio.layout, Format: astiav.SampleFormatFltp}

	args := []string{"-hide_banner", "-loglevel", "error", "-y", "-filter_threads", strconv.Itoa(job.Threads)}
	graph, joins := "", ""
	for i, c := range clips {
		args = append(args, "-threads", strconv.Itoa(job.Threads), "-i", filepath.Join(job.Dir, c.key))
		par := c.video.CodecParameters()
		src := videoSource{Width: par.Width(), Height: par.Height(), SAR: par.SampleAspectRatio(), Rotation: c.rotation, Rate: c.in.FrameRate(c.video)}
		graph += fmt.Sprintf("[%d:v]%s[v%d];[%d:a]%s[a%d];", i, videoFilterSpec(src, pl.video.shape, 0), i, i, audioFilterSpec(0, pl.audio.shape, 0), i)
		joins += fmt.Sprintf("[v%d][a%d]", i, i)
	}
	graph += fmt.Sprintf("%sconcat=n=%d:v=1:a=1[v][a]", joins, len(clips))
	vopts := videoCodecOptions(pl.video, job.Preset, job.Threads, false)
	args = append(args, "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
		"-c:v", "libx264", "-threads", strconv.Itoa(job.Threads), "-g", strconv.Itoa(pl.video.opts.GOP),
		"-b:v", strconv.FormatInt(pl.video.bitrate, 10))
	for k, v := range vopts {
		args = append(args, "-"+k, v)
	}
	args = append(args, "-c:a", "aac", "-b:a", strconv.FormatInt(pl.audio.bitrate, 10),
		"-movflags", "+faststart", out)
	return args
}

// benchClip renders a test clip (picture plus a tone) once per benchmark.
func benchClip(b *testing.B, dir, name, video string, secs int) string {
	out := filepath.Join(dir, name)
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", video,
		"-f", "lavfi", "-i", "sine=f=440:r=44100:d="+strconv.Itoa(secs),
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", out)
	if o, err := cmd.CombinedOutput(); err != nil {
		b.Fatal(string(o))
	}
	return out
}

type benchRun struct {
	wall  time.Duration
	cpu   time.Duration // user + system
	rssKB int64
}

// best keeps the fastest wall and CPU times and the largest peak RSS.
func (r benchRun) best(n benchRun) benchRun {
	if r.wall == 0 || n.wall < r.wall {
		r.wall = n.wall
	}
	if r.cpu == 0 || n.cpu < r.cpu {
		r.cpu = n.cpu
	}
	r.rssKB = max(r.rssKB, n.rssKB)
	return r
}

// benchExec runs cmd (with job in its environment when set) and returns its
// wall time and peak resident set (ru_maxrss, KiB on Linux).
func benchExec(b *testing.B, cmd *exec.Cmd, job benchJob) benchRun {
	if job.Dir != "" {
		raw, _ := json.Marshal(job)
		cmd.Env = append(os.Environ(), benchEnv+"="+string(raw))
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd.Path, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return benchRun{wall: wall, cpu: cpu, rssKB: ru.Maxrss}
}
