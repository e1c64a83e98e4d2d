package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// binder registers a flag together with its OSSEMU_* environment variable.
// The environment fills the default and the command line overrides it, so
// both are always equivalent and --help lists them side by side.
type binder struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   []error
}

// envName maps a flag name to its variable: "data-dir" → OSSEMU_DATA_DIR.
func envName(flagName string) string {
	return "OSSEMU_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (b *binder) usage(name, usage string) string {
	return fmt.Sprintf("%s (env %s)", usage, envName(name))
}

// String binds a string setting.
func (b *binder) String(p *string, name, def, usage string) {
	if v := b.getenv(envName(name)); v != "" {
		def = v
	}
	b.fs.StringVar(p, name, def, b.usage(name, usage))
}

// Int binds an integer setting.
func (b *binder) Int(p *int, name string, def int, usage string) {
	if v := b.getenv(envName(name)); v != "" {
		if _, err := fmt.Sscan(v, &def); err != nil {
			b.errs = append(b.errs, fmt.Errorf("%s=%q: not an integer", envName(name), v))
		}
	}
	b.fs.IntVar(p, name, def, b.usage(name, usage))
}

// Duration binds a duration setting ("30s", "5m").
func (b *binder) Duration(p *time.Duration, name string, def time.Duration, usage string) {
	if v := b.getenv(envName(name)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("%s=%q: %w", envName(name), v, err))
		}
		def = d
	}
	b.fs.DurationVar(p, name, def, b.usage(name, usage))
}

// Bool binds a boolean setting.
func (b *binder) Bool(p *bool, name string, def bool, usage string) {
	if v := b.getenv(envName(name)); v != "" {
		switch strings.ToLower(v) {
		case "1", "true", "yes", "on":
			def = true
		case "0", "false", "no", "off":
			def = false
		default:
			b.errs = append(b.errs, fmt.Errorf("%s=%q: not a boolean", envName(name), v))
		}
	}
	b.fs.BoolVar(p, name, def, b.usage(name, usage))
}

func newFlagSet(out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: emulator [flags]\n       emulator process [flags] STYLE   (one style on local files: emulator process -h)\n\nossemu emulates Alibaba Cloud OSS on a local directory.\nEvery flag can also be set through the environment variable shown.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}
