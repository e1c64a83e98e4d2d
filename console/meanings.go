package console

// meanings says what each style parameter does, in the words of the OSS
// documents (video/concat's transcoding table and video/sprite's table).
// Read-only.
var meanings = map[string]string{
	// video/concat
	"ss":        "start of the cut, in milliseconds",
	"t":         "length of the cut, in milliseconds (0: to the end)",
	"f":         "output container",
	"vn":        "1: drop the video stream",
	"vcodec":    "video codec",
	"fps":       "frame rate (default: the align clip's)",
	"fpsopt":    "0: always use fps; 1: use the source rate when it is lower; 2: fail when it is lower",
	"pixfmt":    "pixel format (default: the align clip's, in a form the encoder takes)",
	"s":         "picture size WxH; one side may be left out to keep the aspect ratio (default: the align clip's)",
	"sopt":      "0: always use s; 1: use the source size when it is smaller; 2: fail when it is smaller",
	"scaletype": "how the picture fills the size: stretch, crop (cover), fill (contain, padded) or fit (contain, no padding)",
	"arotate":   "1: swap width and height to follow the source's orientation",
	"g":         "keyframe interval in frames (GOP)",
	"vb":        "video bitrate in bit/s (default: from size and rate)",
	"vbopt":     "0: always use vb; 1: use the source bitrate when it is lower; 2: fail when it is lower",
	"crf":       "constant quality 0–51 instead of a bitrate (lower is better)",
	"maxrate":   "peak bitrate in bit/s (with crf)",
	"bufsize":   "rate-control buffer in bits (with crf)",
	"an":        "1: drop the audio stream",
	"acodec":    "audio codec",
	"ar":        "sample rate in Hz (default: the align clip's)",
	"ac":        "channel count (default: the align clip's)",
	"aq":        "audio quality 0–100 instead of a bitrate",
	"ab":        "audio bitrate in bit/s",
	"abopt":     "0: always use ab; 1: use the source bitrate when it is lower; 2: fail when it is lower",
	"adepth":    "sample depth in bits (flac, pcm)",
	"align":     "0-based clip whose properties are the defaults",
	// video/sprite
	"m":      "capture mode: inter (every inter ms), key (keyframes), avg (num frames spread evenly), dhash (skip similar frames)",
	"thr":    "dhash: how different a frame must be to be kept, 0–100",
	"num":    "most frames to capture (avg: how many)",
	"inter":  "capture interval in milliseconds (0: every frame)",
	"sw":     "cell width in pixels",
	"sh":     "cell height in pixels",
	"psw":    "cell width as a percentage of the source width",
	"psh":    "cell height as a percentage of the source height",
	"tw":     "cells per row",
	"th":     "rows per sheet",
	"pad":    "pixels between cells",
	"margin": "pixels around the edge of the sheet",
}
