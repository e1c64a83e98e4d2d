package bench

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// withThreads rewrites concatCLI's arguments to a thread budget: dec
// decoder threads per input, filter threads, and x264 threads with its
// lookahead threaded or not (sync-lookahead=0 runs it in the thread that
// feeds the encoder, as the engine does). 0 leaves ffmpeg's automatic
// choice (decoders cores+1, x264 1.5×cores plus a lookahead thread).
func withThreads(args []string, dec, filter, x264 int, syncLookahead bool) []string {
	out := slices.Clone(args)
	if dec > 0 {
		for i := 0; i < len(out); i++ {
			if out[i] == "-i" {
				out = slices.Insert(out, i, "-threads", fmt.Sprint(dec))
				i += 2
			}
		}
	}
	if filter > 0 {
		out = slices.Insert(out, 0, "-filter_complex_threads", fmt.Sprint(filter))
	}
	at := slices.Index(out, "-x264-params")
	if x264 > 0 {
		out = slices.Insert(out, at, "-threads:v", fmt.Sprint(x264))
		at += 2
	}
	if !syncLookahead {
		out[at+1] += ":sync-lookahead=0"
	}
	return out
}

// BenchmarkConcatCLIThreads runs the concat job through the ffmpeg CLI
// alone with different thread budgets, alternating. FFmpeg 5.1's CLI, like
// today's engine, decodes, filters and feeds the encoder on one thread, so
// it separates what the thread budget is worth from what overlapping the
// stages (the engine's pipeline) must add.
func BenchmarkConcatCLIThreads(b *testing.B) {
	const secs = 30
	src := sourceClip(b, 100)
	out := filepath.Join(b.TempDir(), "cli.mp4")
	base := concatCLI(src, secs, out)
	variants := []struct {
		name string
		args []string
	}{
		{"ffmpeg defaults (dec auto, x264 auto + lookahead thread)", base},
		{"engine budget (dec 2, filter 2, x264 2, sync-lookahead=0)", withThreads(base, 2, 2, 2, false)},
		{"dec 2, filter 2, x264 3 + lookahead thread", withThreads(base, 2, 2, 3, true)},
		{"dec 2, filter 2, x264 2 + lookahead thread", withThreads(base, 2, 2, 2, true)},
		{"dec 3, filter 2, x264 3, sync-lookahead=0", withThreads(base, 3, 2, 3, false)},
	}
	n := runs(b)
	for b.Loop() {
		ms := make([][]measure, len(variants))
		for range n {
			for i, v := range variants {
				record(&ms[i], fmt.Sprintf("variant %d", i+1), runCmd(b, "ffmpeg", v.args...))
			}
		}
		requireConcatOutput(b, out, secs)
		fmt.Printf("ffmpeg CLI thread budgets on the concat job (%d runs each, alternating; medians)\n", n)
		for i, v := range variants {
			fmt.Printf("  %d. %-58s %6.2fs wall %6.2fs CPU (%.2f cores) %4.0f MB  loads: %s\n", i+1, v.name,
				median(ms[i], wallOf), median(ms[i], cpuOf), median(ms[i], cpuOf)/median(ms[i], wallOf), median(ms[i], rssOf), loads(ms[i]))
		}
	}
}

func loads(ms []measure) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = strings.Fields(m.load)[0]
	}
	return strings.Join(s, " ")
}
