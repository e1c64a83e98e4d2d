// Package engine holds what the media engines (engine/concat for
// video/concat, engine/sprite for video/sprite) share above the libav
// layer (engine/libav): their configuration, the description of one run
// (Task) and its outputs, progress reporting, and the adapter helpers that
// let the task queue run them.
package engine

import "fmt"

// DefaultMaxInputPixels is the default pixel budget: 36 megapixels per
// picture, room for 8K (7680×4320 and 8192×4320) and nothing larger. See
// docs/robustness.md for what it bounds.
const DefaultMaxInputPixels = 36_000_000

// Config holds the settings shared by both engines.
type Config struct {
	// VideoPreset is the x264/x265 speed preset (--video-preset).
	VideoPreset string
	// MaxInputPixels is the pixel budget (--max-input-pixels): the largest
	// width × height of a picture a run decodes. Inputs declaring or
	// decoding larger pictures fail with InvalidMedia before libav
	// allocates frames of that size. 0 means DefaultMaxInputPixels.
	MaxInputPixels int64
	// SpriteVTT makes sprite runs also write a WebVTT thumbnail track next
	// to the sheets (--sprite-vtt; off by default, as OSS writes none).
	SpriteVTT bool
}

// DefaultConfig returns the defaults: a fast preset that keeps CI quick.
func DefaultConfig() Config {
	return Config{VideoPreset: "veryfast", MaxInputPixels: DefaultMaxInputPixels}
}

// WithDefaults fills the zero settings with their defaults.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.VideoPreset == "" {
		c.VideoPreset = d.VideoPreset
	}
	if c.MaxInputPixels == 0 {
		c.MaxInputPixels = d.MaxInputPixels
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.MaxInputPixels < 0 {
		return fmt.Errorf("engine: the pixel budget %d must be positive (0: the default %d)", c.MaxInputPixels, DefaultMaxInputPixels)
	}
	switch c.VideoPreset {
	case "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo":
		return nil
	}
	return fmt.Errorf("engine: unknown video preset %q", c.VideoPreset)
}
