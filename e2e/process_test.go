package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// processRun is one `emulator process` run as a user's shell sees it.
type processRun struct {
	code           int
	stdout, stderr string
	maxRSSKB       int64 // the child's peak resident set (getrusage)
}

// runProcess runs the built emulator's process subcommand and waits.
func runProcess(t *testing.T, args ...string) processRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), taskWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, emulatorBin, append([]string{"process"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		require.NoError(t, err)
	}
	r := processRun{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSSKB = ru.Maxrss
	}
	return r
}

// processTask is `emulator process --json`: the task API's view plus the
// local files.
type processTask struct {
	task
	Process string
	Sprite  *spriteMap
	Files   []string
}

// spriteMap is a sprite task's cell map (the task API's "Sprite" field).
type spriteMap struct {
	Sheets []struct {
		URI           string
		Width, Height int
		Replaced      bool
		Cells         []struct {
			Time       float64
			X, Y, W, H int
		}
	}
}

// requireProcessed runs a style that must succeed and returns its result.
func requireProcessed(t *testing.T, args ...string) processTask {
	t.Helper()
	r := runProcess(t, append([]string{"--json", "--quiet"}, args...)...)
	require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	var v processTask
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v), r.stdout)
	require.Equal(t, "Succeeded", v.Status)
	require.Equal(t, 100, v.Progress)
	require.Len(t, v.Files, len(v.Targets))
	return v
}

// The seed's concat worked example and both sprite examples give the same
// outputs locally as through the server: the same names, codecs, sizes
// and durations, sheet sizes and pictures, the same cell map and the same
// WebVTT track (the server's only with --sprite-vtt); a corrupt input
// fails with the code and message the task ends with.
func TestProcessSameAsServer(t *testing.T) {
	t.Parallel()
	e := startEmulatorArgs(t, []string{"--sprite-vtt"}, "video-demo", "outbucket")
	inputs := map[string]string{"example.mkv": videos + "example.mkv", "pre.mov": videos + "pre.mov",
		"sur1.aac": videos + "sur1.aac", "truncated.mp4": videos + "truncated.mp4"}
	b := e.bucketV1(t, "video-demo")
	for key, path := range inputs {
		require.NoError(t, b.PutObjectFromFile(key, path))
	}
	saveas := func(name string) string { return "|sys/saveas,b_" + enc("outbucket") + ",o_" + enc(name) }
	serverFile := func(t *testing.T, key string) string {
		p := filepath.Join(t.TempDir(), filepath.Base(key))
		require.NoError(t, e.bucketV1(t, "outbucket").GetObjectToFile(key, p))
		return p
	}

	t.Run("concat worked example", func(t *testing.T) {
		t.Parallel()
		style := "video/concat,ss_10000,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1" +
			"/pre,o_" + enc("pre.mov") + "/sur,o_" + enc("sur1.aac") + ",t_10000" + saveas("outobj.{autoext}")
		sv := submitV1(t, e, "video-demo", "example.mkv", style)
		out := filepath.Join(t.TempDir(), "joined.mp4")
		// Files named by their object names, given in any order.
		lv := requireProcessed(t, "-i", inputs["example.mkv"], "-i", inputs["sur1.aac"], "-i", inputs["pre.mov"], "-o", out, style)
		require.Equal(t, []string{"oss://outbucket/outobj.mp4"}, targetURIs(sv))
		require.Equal(t, []string{"oss://outbucket/outobj.mp4"}, targetURIs(lv.task))
		require.Equal(t, []string{out}, lv.Files)
		require.Equal(t, []string{"oss://local/pre.mov", "oss://local/example.mkv", "oss://local/sur1.aac"}, sourceURIs(lv.task))

		want, got := ffprobe(t, serverFile(t, "outobj.mp4")), ffprobe(t, out)
		require.Len(t, got.Streams, len(want.Streams))
		for i, ws := range want.Streams {
			gs := got.Streams[i]
			require.Equal(t, ws.CodecType, gs.CodecType)
			require.Equal(t, ws.CodecName, gs.CodecName)
			require.Equal(t, []int{ws.Width, ws.Height}, []int{gs.Width, gs.Height})
			require.Equal(t, ws.AvgFrameRate, gs.AvgFrameRate)
			require.Equal(t, ws.SampleRate, gs.SampleRate)
			require.Equal(t, ws.Channels, gs.Channels)
			require.InDelta(t, num(t, ws.Duration), num(t, gs.Duration), 0.05)
		}
		require.InDelta(t, want.duration(t), got.duration(t), 0.05)
		require.Equal(t, "h264", got.Streams[got.stream(t, "video")].CodecName)
		requireFaststart(t, out)
	})

	for _, tc := range []struct{ name, style string }{
		{"sprite inter example", "video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0"},
		{"sprite avg example", "video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			style := tc.style + saveas(strings.ReplaceAll(tc.name, " ", "-")+"/outobjprefix-{index}.{autoext}")
			rs, err := e.bucketV1(t, "video-demo").AsyncProcessObject("example.mkv", style)
			require.NoError(t, err)
			sv := e.requireSucceeded(t, rs.TaskId)
			svMap := e.spriteMap(t, rs.TaskId)
			dir := t.TempDir()
			lv := requireProcessed(t, "-i", inputs["example.mkv"], "-o", dir, "--vtt", style)

			require.Equal(t, targetURIs(sv), targetURIs(lv.task), "the same names, the track last")
			require.True(t, strings.HasSuffix(targetURIs(lv.task)[len(lv.Files)-1], ".vtt"))
			for i, uri := range targetURIs(lv.task) {
				key := strings.TrimPrefix(uri, "oss://outbucket/")
				require.Equal(t, filepath.Join(dir, key), lv.Files[i])
				server, local := serverFile(t, key), lv.Files[i]
				if strings.HasSuffix(key, ".vtt") {
					requireSameFile(t, server, local)
					continue
				}
				simg, sformat := decodeImage(t, server)
				limg, lformat := decodeImage(t, local)
				require.Equal(t, "jpeg", lformat)
				require.Equal(t, sformat, lformat)
				require.Equal(t, simg.Bounds(), limg.Bounds(), key)
				require.Less(t, meanAbsDiff(simg, simg.Bounds(), limg), 1.0, "%s: the same picture", key)
			}
			require.Equal(t, svMap.withoutURIs(), lv.Sprite.withoutURIs(), "the same cells at the same times")
		})
	}

	t.Run("corrupt input", func(t *testing.T) {
		t.Parallel()
		style := "video/sprite,f_jpg,sw_64,sh_64" + saveas("bad-{index}.{autoext}")
		rs, err := e.bucketV1(t, "video-demo").AsyncProcessObject("truncated.mp4", style)
		require.NoError(t, err)
		sv := e.waitTask(t, rs.TaskId)
		require.Equal(t, "Failed", sv.Status)
		require.Equal(t, "InvalidMedia", sv.Code)

		dir := t.TempDir()
		r := runProcess(t, "--json", "-i", inputs["truncated.mp4"], "-o", dir, style)
		require.Equal(t, 1, r.code, r.stderr)
		var lv processTask
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &lv), r.stdout)
		require.Equal(t, "Failed", lv.Status)
		require.Equal(t, sv.Code, lv.Code)
		require.Equal(t, strings.ReplaceAll(sv.Message, "video-demo/", "local/"), lv.Message)
		require.Contains(t, r.stderr, "emulator process: InvalidMedia: "+lv.Message+"\n")
		requireEmptyDir(t, dir)
	})
}

// sourceURIs lists a task's sources.
func sourceURIs(v task) []string {
	var out []string
	for _, s := range v.Sources {
		out = append(out, s.URI)
	}
	return out
}

// spriteMap reads a sprite task's cell map from GET /_ossemu/tasks/<id>.
func (e *emulator) spriteMap(t *testing.T, id string) *spriteMap {
	t.Helper()
	var v struct{ Sprite *spriteMap }
	resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/tasks/"+id, testAK, testSK)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, &v))
	require.NotNil(t, v.Sprite, string(body))
	return v.Sprite
}

// withoutURIs is the map with the sheets' buckets left out (the server's
// target bucket, "local" for a local run).
func (m *spriteMap) withoutURIs() *spriteMap {
	c := *m
	c.Sheets = append(c.Sheets[:0:0], m.Sheets...)
	for i := range c.Sheets {
		_, key, _ := strings.Cut(strings.TrimPrefix(c.Sheets[i].URI, "oss://"), "/")
		c.Sheets[i].URI = key
	}
	return &c
}

func requireSameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err := os.ReadFile(a)
	require.NoError(t, err)
	y, err := os.ReadFile(b)
	require.NoError(t, err)
	require.Equal(t, string(x), string(y))
}

// requireEmptyDir checks that a run left nothing behind in dir (its work
// directory included).
func requireEmptyDir(t *testing.T, dir string, keep ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	require.ElementsMatch(t, keep, names)
}

// A style the parser refuses exits 2 with the parser's message; so do
// inputs that do not match the style and bad flags; nothing is written.
func TestProcessRefusals(t *testing.T) {
	t.Parallel()
	mkv := videos + "example.mkv"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"out of range", []string{"-i", mkv, "video/sprite,f_jpg,sw_5"},
			"emulator process: InvalidArgument: parameter sw: value 5 out of range [32, 4096]\n"},
		{"unknown action", []string{"-i", mkv, "video/snapshot,t_1000"},
			"emulator process: InvalidArgument: unknown action video/snapshot: ossemu performs only video/concat and video/sprite, asynchronously (x-oss-async-process)\n"},
		{"missing parameter", []string{"-i", mkv, "video/sprite,sw_64"},
			"emulator process: MissingArgument: video/sprite: parameter f is required\n"},
		{"missing clip file", []string{"-i", mkv, "video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_" + enc("intro.mp4")},
			"emulator process: NoSuchKey: the style names the object intro.mp4 but no -i file is left for it"},
		{"missing input file", []string{"-i", "/nonexistent/x.mp4", "video/sprite,f_jpg"},
			"emulator process: NoSuchKey: The specified key does not exist: x.mp4"},
		{"unused file", []string{"-i", mkv, "-i", mkv, "video/sprite,f_jpg"}, "is not used"},
		{"vtt for concat", []string{"-i", mkv, "--vtt", "video/concat,f_mp4,vcodec_h264,acodec_aac"}, "--vtt applies to video/sprite only"},
		{"no style", []string{"-i", mkv}, "no STYLE given"},
		{"no input", []string{"video/sprite,f_jpg"}, "no input"},
		{"bad flag", []string{"-i", mkv, "--max-input-pixels", "-5", "video/sprite,f_jpg"}, "pixel budget -5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "out")
			r := runProcess(t, append([]string{"-o", dir}, tc.args...)...)
			require.Equal(t, 2, r.code, r.stderr)
			require.Contains(t, r.stderr, tc.want)
			require.Empty(t, r.stdout)
			require.NoDirExists(t, dir)
		})
	}
}

// Ctrl-C stops the work: exit 130, and neither the output nor the work
// directory is left, only what the directory held before.
func TestProcessInterrupt(t *testing.T) {
	t.Parallel()
	clip := filepath.Join(t.TempDir(), "long.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=30", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644))

	ctx, cancel := context.WithTimeout(t.Context(), taskWait)
	defer cancel()
	// A slow encode (HEVC, medium, 720p, one thread) that cannot finish
	// between the first progress line and the signal.
	cmd := exec.CommandContext(ctx, emulatorBin, "process", "--task-threads", "1", "--video-preset", "medium",
		"-i", clip, "-o", filepath.Join(dir, "out.mp4"), "video/concat,f_mp4,vcodec_h265,s_1280x720,fps_25,an_1")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var log bytes.Buffer
	progressed, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		seen := false
		for {
			n, err := stderr.Read(buf)
			log.Write(buf[:n])
			if !seen && strings.Contains(log.String(), "video/concat: 5%") {
				seen = true
				close(progressed)
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-progressed:
	case <-done:
		t.Fatalf("the run ended before any progress: %s", log.String())
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	<-done // the pipe is read to its end before Wait closes it
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, 130, exit.ExitCode(), log.String())
	require.Contains(t, log.String(), "interrupted; the partial outputs were removed")
	requireEmptyDir(t, dir, "keep.txt")
}
