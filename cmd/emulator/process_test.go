package main

import (
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/osserr"
)

func TestParseProcessConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want func(t *testing.T, c processConfig)
		err  string
	}{
		{name: "defaults", args: []string{"-i", "a.mp4", "video/sprite,f_jpg"}, want: func(t *testing.T, c processConfig) {
			require.Equal(t, []string{"a.mp4"}, c.Inputs)
			require.Equal(t, ".", c.Output)
			require.Equal(t, "video/sprite,f_jpg", c.Style)
			require.Equal(t, engine.DefaultConfig(), c.Engine)
			require.False(t, c.VTT || c.JSON || c.Quiet)
			require.GreaterOrEqual(t, c.threads(), 1)
		}},
		{name: "flags after the style, repeated -i", args: []string{"-i", "a.mp4", "S", "-i", "b.mp4", "--vtt", "-o", "out"},
			want: func(t *testing.T, c processConfig) {
				require.Equal(t, []string{"a.mp4", "b.mp4"}, c.Inputs)
				require.Equal(t, "S", c.Style)
				require.True(t, c.VTT)
				require.Equal(t, "out", c.Output)
			}},
		{name: "the server's variables", args: []string{"-i", "a", "S"},
			env: map[string]string{"OSSEMU_VIDEO_PRESET": "slow", "OSSEMU_TASK_THREADS": "3", "OSSEMU_MAX_INPUT_PIXELS": "1000"},
			want: func(t *testing.T, c processConfig) {
				require.Equal(t, "slow", c.Engine.VideoPreset)
				require.Equal(t, 3, c.threads())
				require.Equal(t, int64(1000), c.Engine.MaxInputPixels)
			}},
		{name: "flags beat variables", args: []string{"--video-preset", "fast", "-i", "a", "S"},
			env:  map[string]string{"OSSEMU_VIDEO_PRESET": "slow"},
			want: func(t *testing.T, c processConfig) { require.Equal(t, "fast", c.Engine.VideoPreset) }},
		{name: "two styles", args: []string{"-i", "a", "S", "T"}, err: "one STYLE expected"},
		{name: "bad preset", args: []string{"-i", "a", "--video-preset", "warp", "S"}, err: `unknown video preset "warp"`},
		{name: "bad level", args: []string{"-i", "a", "--log-level", "loud", "S"}, err: "--log-level"},
		{name: "bad variable", args: []string{"-i", "a", "S"}, env: map[string]string{"OSSEMU_MAX_INPUT_PIXELS": "many"}, err: "OSSEMU_MAX_INPUT_PIXELS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseProcessConfig(tc.args, env(tc.env), io.Discard)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			tc.want(t, c)
		})
	}
}

// The server takes the same engine settings, and --sprite-vtt.
func TestServerEngineFlags(t *testing.T) {
	t.Parallel()
	c, err := parseConfig(nil, env(nil), io.Discard)
	require.NoError(t, err)
	require.Equal(t, engine.DefaultConfig(), c.Tasks.Engine)
	c, err = parseConfig([]string{"--sprite-vtt", "--max-input-pixels", "2000000"}, env(map[string]string{"OSSEMU_VIDEO_PRESET": "fast"}), io.Discard)
	require.NoError(t, err)
	require.Equal(t, engine.Config{VideoPreset: "fast", MaxInputPixels: 2_000_000, SpriteVTT: true}, c.Tasks.Engine)
	c, err = parseConfig(nil, env(map[string]string{"OSSEMU_SPRITE_VTT": "true"}), io.Discard)
	require.NoError(t, err)
	require.True(t, c.Tasks.Engine.SpriteVTT)
}

// The -i files become the objects the style names: by name first, then
// by position; the request's own object is the first file.
func TestLocalRequestInputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := func(rel string) string {
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("x"), 0o644))
		return p
	}
	src, intro, outro, other := file("src.mp4"), file("clips/intro.mp4"), file("outro.mov"), file("b/x.mp4")
	concat := "video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_" + b64("clips/intro.mp4") + "/sur,o_" + b64("end.mov")
	for _, tc := range []struct {
		name    string
		style   string
		inputs  []string
		objects map[string]string
		sources []string
		code    osserr.Code
		msg     string
	}{
		{name: "by name, then by position", style: concat, inputs: []string{src, outro, intro},
			objects: map[string]string{"src.mp4": src, "clips/intro.mp4": intro, "end.mov": outro},
			sources: []string{"clips/intro.mp4", "src.mp4", "end.mov"}},
		{name: "the request's own object named again", style: "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + b64("src.mp4"), inputs: []string{src},
			objects: map[string]string{"src.mp4": src}, sources: []string{"src.mp4", "src.mp4"}},
		{name: "sprite", style: "video/sprite,f_jpg", inputs: []string{src}, objects: map[string]string{"src.mp4": src}, sources: []string{"src.mp4"}},
		{name: "a file missing", style: concat, inputs: []string{src, intro}, code: osserr.NoSuchKey, msg: "names the object end.mov but no -i file is left"},
		{name: "a file too many", style: "video/sprite,f_jpg", inputs: []string{src, other}, code: osserr.InvalidArgument, msg: "is not used"},
		{name: "a file that does not exist", style: "video/sprite,f_jpg", inputs: []string{filepath.Join(dir, "nope.mp4")}, code: osserr.NoSuchKey, msg: "nope.mp4"},
		{name: "two files of one name", style: "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + b64("x.mp4"), inputs: []string{file("a/x.mp4"), other},
			code: osserr.InvalidArgument, msg: "different files with the same name"},
		{name: "bad style", style: "video/sprite,f_gif", inputs: []string{src}, code: osserr.InvalidArgument, msg: "parameter f"},
		{name: "bad target bucket", style: "video/sprite,f_jpg|sys/saveas,b_" + b64("Bad_Bucket") + ",o_" + b64("x"), inputs: []string{src},
			code: osserr.InvalidArgument, msg: "not a valid bucket name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := newLocalRequest(tc.style, tc.inputs, time.Now())
			if tc.msg != "" {
				require.True(t, osserr.Is(err, tc.code), "%v", err)
				require.ErrorContains(t, err, tc.msg)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.objects, r.objects)
			var keys []string
			for _, s := range r.sources {
				require.Equal(t, processBucket, s.Bucket)
				keys = append(keys, s.Key)
			}
			require.Equal(t, tc.sources, keys)
		})
	}
}

func TestDefaultSaveAs(t *testing.T) {
	t.Parallel()
	dec := func(process string) string {
		_, o, ok := strings.Cut(process, "|sys/saveas,o_")
		require.True(t, ok, process)
		b, err := base64.RawURLEncoding.DecodeString(o)
		require.NoError(t, err)
		return string(b)
	}
	require.Equal(t, "{barename}-{index}.{autoext}", dec(withDefaultSaveAs("video/sprite,f_jpg")))
	require.Equal(t, "{barename}-concat.{autoext}", dec(withDefaultSaveAs("video/concat,f_mp4")))
	require.Equal(t, "{barename}-{index}.{autoext}", dec(withDefaultSaveAs("video/concat,f_mp4/segment,f_ts,t_2000")))
	kept := "video/sprite,f_jpg|sys/saveas,o_eA"
	require.Equal(t, kept, withDefaultSaveAs(kept))
}

func TestProgressReporter(t *testing.T) {
	t.Parallel()
	var lines bytes.Buffer
	p := newProgressReporter(&lines, false, "video/sprite")
	for _, pct := range []int{0, 1, 4, 5, 5, 9, 10, 57, 99, 100} {
		p.report(pct)
	}
	p.done()
	require.Equal(t, "video/sprite: 0%\nvideo/sprite: 5%\nvideo/sprite: 10%\nvideo/sprite: 55%\nvideo/sprite: 95%\nvideo/sprite: 100%\n", lines.String())
	require.Equal(t, 100, p.percent())

	bar := &progressReporter{w: &lines, bar: true, label: "x", last: -1}
	lines.Reset()
	bar.report(50)
	bar.report(100)
	bar.done()
	require.Equal(t, "\r"+progressBar("x", 50, 40)+"\r"+progressBar("x", 100, 40)+"\n", lines.String())
	require.Equal(t, "x [#####.....]  50%", progressBar("x", 50, 10))

	var quiet *progressReporter = newProgressReporter(&lines, true, "x")
	quiet.report(10) // a nil reporter reports nothing
	quiet.done()
	require.False(t, isTerminal(&lines))
}

// -o is a file for a one-file result, else a directory; nothing lands on
// an input.
func TestPlacement(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, err := newPlacement(filepath.Join(dir, "new", "out.mp4"), false)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "new", "out.mp4"), p.file)
	require.True(t, p.created)
	p, err = newPlacement(dir, false)
	require.NoError(t, err)
	require.Empty(t, p.file, "an existing directory")
	p, err = newPlacement(filepath.Join(dir, "sheets"), true)
	require.NoError(t, err)
	require.Empty(t, p.file)
	require.DirExists(t, filepath.Join(dir, "sheets"))

	work, cleanup, err := p.workDir()
	require.NoError(t, err)
	write := func(name, body string) string {
		f := filepath.Join(work, name)
		require.NoError(t, os.WriteFile(f, []byte(body), 0o644))
		return f
	}
	outs := []engine.Output{
		{Bucket: "b", Key: "s/a.jpg", Path: write("1", "first")},
		{Bucket: "b", Key: "s/a.jpg", Path: write("2", "second")},
		{Bucket: "b", Key: "t.vtt", Path: write("3", "track")},
	}
	placed, err := p.publish(outs, nil)
	require.NoError(t, err)
	require.Len(t, placed, 2)
	b, err := os.ReadFile(filepath.Join(dir, "sheets", "s", "a.jpg"))
	require.NoError(t, err)
	require.Equal(t, "second", string(b), "a later output of the same name replaces an earlier one")

	_, err = p.publish([]engine.Output{{Key: "../x", Path: write("4", "x")}}, nil)
	require.True(t, osserr.Is(err, osserr.InvalidObjectName), "%v", err)
	in := filepath.Join(dir, "sheets", "t.vtt")
	_, err = p.publish([]engine.Output{{Key: "t.vtt", Path: write("5", "x")}}, []string{in})
	require.ErrorContains(t, err, "would overwrite the input")
	cleanup()
	require.NoDirExists(t, work)
}
