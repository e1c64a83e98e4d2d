// Package engine holds what the media engines (engine/concat for
// video/concat, engine/sprite for video/sprite) share above the libav
// layer (engine/libav): their configuration, the description of one run
// (Task) and its outputs, progress reporting, and the adapter helpers that
// let the task queue run them.
package engine

import "fmt"

// Config holds the settings shared by both engines.
type Config struct {
	// VideoPreset is the x264/x265 speed preset (--video-preset).
	VideoPreset string
}

// DefaultConfig returns the defaults: a fast preset that keeps CI quick.
func DefaultConfig() Config {
	return Config{VideoPreset: "veryfast"}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	switch c.VideoPreset {
	case "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo":
		return nil
	}
	return fmt.Errorf("engine: unknown video preset %q", c.VideoPreset)
}
