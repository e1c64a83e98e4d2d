package main

import (
	"fmt"

	"github.com/ossemu/ossemu/engine"
)

// bindEngine binds the engine settings the server and `emulator process`
// share, under the same names and variables.
func bindEngine(b *binder, c *engine.Config) {
	d := engine.DefaultConfig()
	b.String(&c.VideoPreset, "video-preset", d.VideoPreset, "x264/x265 speed preset: ultrafast … veryslow")
	b.Int64(&c.MaxInputPixels, "max-input-pixels", d.MaxInputPixels,
		"pixel budget: the largest width×height of an input picture a task decodes (36 MP holds 8K); larger inputs fail with InvalidMedia before libav allocates them")
}

// Int64 binds a 64-bit integer setting.
func (b *binder) Int64(p *int64, name string, def int64, usage string) {
	if v := b.getenv(envName(name)); v != "" {
		if _, err := fmt.Sscan(v, &def); err != nil {
			b.errs = append(b.errs, fmt.Errorf("%s=%q: not an integer", envName(name), v))
		}
	}
	b.fs.Int64Var(p, name, def, b.usage(name, usage))
}
