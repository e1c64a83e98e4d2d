package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
)

// clip is an input uploaded at the start.
type clip struct {
	key       string
	seconds   int
	size, ext string
}

// clips are short H.264/AAC inputs of two sizes and containers.
var clips = []clip{
	{key: "a.mp4", seconds: 6, size: "320x240", ext: "mp4"},
	{key: "b.mp4", seconds: 4, size: "320x240", ext: "mp4"},
	{key: "c.mov", seconds: 4, size: "240x180", ext: "mov"},
}

// makeClips renders the clips with the ffmpeg CLI and returns their paths
// by key.
func makeClips(ctx context.Context, dir string) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range clips {
		p := filepath.Join(dir, c.key)
		d := fmt.Sprint(c.seconds)
		msg, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-y",
			"-f", "lavfi", "-i", "testsrc=size="+c.size+":rate=25:duration="+d,
			"-f", "lavfi", "-i", "sine=frequency=440:duration="+d,
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", p).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("making %s with the ffmpeg CLI (scripts/install-deps.sh): %w\n%s", c.key, err, msg)
		}
		out[c.key] = p
	}
	return out, nil
}
