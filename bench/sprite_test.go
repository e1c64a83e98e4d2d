package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const spriteSrcKey = "src.mp4"

// BenchmarkSpriteVsCLI runs video/sprite through the real emulator and the
// ffmpeg CLI's straightforward fps → scale → tile (which decodes every
// frame), alternating, on a 100 s 1080p30 clip with a 2 s GOP. Targets
// (issue 15): every-frame capture no slower than the CLI (wall ratio ≤ 1.0);
// one frame every 10 s at least 5× faster (ratio ≤ 0.2), which ossemu gets
// by seeking from keyframe to keyframe.
func BenchmarkSpriteVsCLI(b *testing.B) {
	src := sourceClip(b, 100)
	bin := buildEmulator(b)
	data := filepath.Join(b.TempDir(), "data")
	seedBucket(b, bin, data, map[string]string{spriteSrcKey: src})
	n := runs(b)
	for _, sc := range []struct {
		name, process, filters, target string
	}{
		{"every-frame", "video/sprite,f_jpg,sw_192,sh_108,inter_0,tw_10,th_10",
			"scale=192:108,tile=10x10:padding=2:margin=2", "≤ 1.0"},
		{"sparse-10s", "video/sprite,f_jpg,sw_192,sh_108,inter_10000,tw_4,th_3",
			"fps=1/10,scale=192:108,tile=4x3:padding=2:margin=2", "≤ 0.2"},
	} {
		b.Run(sc.name, func(b *testing.B) {
			process := sc.process + saveAs("sprite/"+sc.name+"-{index}.{autoext}")
			for b.Loop() {
				var ours, cli []measure
				var sheets, cliSheets int
				for i := range n {
					emu := func() {
						record(&ours, "ossemu", runTask(b, bin, data, spriteSrcKey, process, func(_ *emulator, v taskView) {
							sheets = len(v.Targets)
						}))
					}
					ref := func() {
						dir := b.TempDir()
						record(&cli, "ffmpeg", runCmd(b, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
							"-i", src, "-an", "-vf", sc.filters, "-q:v", "3", filepath.Join(dir, "%03d.jpg")))
						files, err := os.ReadDir(dir)
						require.NoError(b, err)
						cliSheets = len(files)
					}
					alternately(i, emu, ref)
				}
				require.Positive(b, sheets)
				require.Equal(b, cliSheets, sheets, "sheets: ffmpeg CLI against ossemu")
				compare(b, "sprite "+sc.name+" of 100 s 1080p30, GOP 2 s (target wall ratio "+sc.target+")", "ossemu", "ffmpeg", ours, cli)
			}
		})
	}
}
