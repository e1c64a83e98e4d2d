// Package ffmpeg runs the media processors (video/concat, video/sprite) on
// libav through go-astiav v0.16.0 (FFmpeg 5.1 as Debian 12 ships it).
package ffmpeg

import "fmt"

// Config holds the engine settings shared by both processors.
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
	return fmt.Errorf("ffmpeg: unknown video preset %q", c.VideoPreset)
}
