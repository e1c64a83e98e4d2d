package sprite

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// BenchmarkSpriteVsCLI compares video/sprite with the ffmpeg CLI's
// straightforward pipeline (fps → scale → tile, which decodes every frame)
// on a 2-minute 1080p clip with a 2 s GOP, in the same run, and reports
// cli_time/ossemu_time (above 1 means ossemu is faster). Targets: ≥ 5 for a
// sparse interval (ossemu seeks from keyframe to keyframe), ≥ 1/1.1 for
// every-frame capture. Run: go test -run '^$' -bench SpriteVsCLI -benchtime 1x ./engine/sprite/
func BenchmarkSpriteVsCLI(b *testing.B) {
	clip := enginetest.Clip(b, "bench1080.mp4", "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=120",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p")
	threads := runtime.NumCPU()
	for _, sc := range []struct {
		name, process, filters string
	}{
		{"sparse-10s", "video/sprite,f_jpg,sw_192,sh_108,inter_10000,tw_4,th_3", "fps=1/10,scale=192:108,tile=4x3:padding=2:margin=2"},
		{"every-frame", "video/sprite,f_jpg,sw_192,sh_108,inter_0,tw_10,th_10", "scale=192:108,tile=10x10:padding=2:margin=2"},
	} {
		b.Run(sc.name, func(b *testing.B) {
			var ours, cli time.Duration
			for i := 0; i < b.N; i++ {
				job := spJob(b, spPathStore, clip, sc.process, "bench/{index}")
				job.Threads = threads
				start := time.Now()
				res, err := New(engine.DefaultConfig()).Process(context.Background(), job.Job)
				ours += time.Since(start)
				require.NoError(b, err)
				require.NotEmpty(b, res.Outputs)

				out := filepath.Join(b.TempDir(), "cli-%03d.jpg")
				start = time.Now()
				o, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-threads", fmt.Sprint(threads),
					"-i", clip, "-vf", sc.filters, "-q:v", "3", out).CombinedOutput()
				cli += time.Since(start)
				require.NoError(b, err, string(o))
			}
			ratio := cli.Seconds() / ours.Seconds()
			b.ReportMetric(ours.Seconds()/float64(b.N), "ossemu-s/op")
			b.ReportMetric(cli.Seconds()/float64(b.N), "cli-s/op")
			b.ReportMetric(ratio, "cli/ossemu")
			fmt.Printf("sprite %s: ossemu %.2fs, ffmpeg CLI %.2fs, ossemu is %.2fx as fast\n",
				sc.name, ours.Seconds()/float64(b.N), cli.Seconds()/float64(b.N), ratio)
		})
	}
}
