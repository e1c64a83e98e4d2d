package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"

	"github.com/ossemu/ossemu/engine"
)

// processConfig is what `emulator process` was asked to do.
type processConfig struct {
	Style    string   // the process string (STYLE)
	Inputs   []string // -i files: the request's object, then the /pre and /sur objects
	Output   string   // -o: a file, or a directory for sprites and segments
	VTT      bool     // --vtt: also write the sprite's WebVTT track
	JSON     bool     // --json: print the result as the task API describes it
	Quiet    bool     // --quiet: no progress
	Threads  int      // --task-threads; 0 = every core
	LogLevel string
	Engine   engine.Config
}

// inputsFlag collects repeated -i values.
type inputsFlag struct{ list *[]string }

func (f inputsFlag) String() string {
	if f.list == nil {
		return ""
	}
	return strings.Join(*f.list, ", ")
}

func (f inputsFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty file name")
	}
	*f.list = append(*f.list, v)
	return nil
}

const processUsage = `Usage: emulator process [flags] STYLE

Runs one OSS video style (video/concat or video/sprite, as sent with
x-oss-async-process) on local files, with the server's parser and engines,
and writes the outputs under -o. No server, no queue, no upload.

  emulator process -i movie.mp4 -o thumbs/ --vtt \
    'video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0'
  emulator process -i src.mp4 -i concat1.mp4 -i concat2.mp4 -o joined.mp4 \
    'video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_Y29uY2F0MS5tcDQ/sur,o_Y29uY2F0Mi5tcDQ'

The first -i is the request's own object (its key is the file's base name);
the others are the objects /pre and /sur name, matched by name (a file whose
path ends with the decoded name) or else by position. Without sys/saveas the
outputs are named {barename}-concat.{autoext} or {barename}-{index}.{autoext}.

Exit status: 0 done; 1 the task failed (the OSS code and message a task would
end with are printed); 2 refused before running (bad flags, a style the parser
refuses, inputs that do not match the style); 130 interrupted (SIGINT or
SIGTERM: the work stopped and its partial outputs were removed).

Flags:
`

// parseProcessConfig reads the flags and the STYLE argument; flags may
// come before or after it. It returns flag.ErrHelp after printing usage.
func parseProcessConfig(args []string, getenv func(string) string, out io.Writer) (processConfig, error) {
	var c processConfig
	fs := flag.NewFlagSet("emulator process", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, processUsage)
		fs.PrintDefaults()
	}
	b := &binder{fs: fs, getenv: getenv}
	fs.Var(inputsFlag{&c.Inputs}, "i", "input file (repeatable): the request's own object first, then the /pre and /sur objects")
	fs.StringVar(&c.Output, "o", ".", "output file, or directory (created if missing) for sprites, segments and names from sys/saveas")
	fs.BoolVar(&c.VTT, "vtt", false, "video/sprite: also write a WebVTT thumbnail track <name>.vtt next to the sheets")
	fs.BoolVar(&c.JSON, "json", false, "print the result as the task API (GET /_ossemu/tasks/<id>) describes it, plus the local Files")
	fs.BoolVar(&c.Quiet, "quiet", false, "no progress on stderr")
	b.Int(&c.Threads, "task-threads", 0, "codec threads for the task; 0 = every core")
	b.String(&c.LogLevel, "log-level", "error", "log level on stderr: debug, info, warn or error")
	bindEngine(b, &c.Engine)
	if err := errors.Join(b.errs...); err != nil {
		return c, err
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return c, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch len(positional) {
	case 0:
		return c, errors.New("no STYLE given (see emulator process -h)")
	case 1:
		c.Style = positional[0]
	default:
		return c, fmt.Errorf("one STYLE expected, got %d arguments: %q (quote the style)", len(positional), positional)
	}
	return c, c.validate()
}

func (c *processConfig) validate() error {
	var errs []error
	if len(c.Inputs) == 0 {
		errs = append(errs, errors.New("no input: give the request's object with -i FILE"))
	}
	if c.Output == "" {
		errs = append(errs, errors.New("-o is empty"))
	}
	if c.Threads < 0 {
		errs = append(errs, fmt.Errorf("--task-threads %d: must be 0 (every core) or more", c.Threads))
	}
	if _, err := c.slogLevel(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Engine.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// slogLevel reads --log-level as the server does.
func (c *processConfig) slogLevel() (slog.Level, error) {
	return (&Config{LogLevel: c.LogLevel}).slogLevel()
}

// threads is the codec thread budget: one task has the machine.
func (c *processConfig) threads() int {
	if c.Threads > 0 {
		return c.Threads
	}
	return max(1, runtime.NumCPU())
}
