// Package parser turns an x-oss-async-process string into typed, validated
// values. Nothing downstream re-validates: a Pipeline that parses is one the
// engines can run (media facts such as durations are checked by the engines).
package parser

import "time"

// Pipeline is a whole process string: one processing action, where to save
// the result and, optionally, which MNS topic to notify.
// Exactly one of Concat and Sprite is non-nil.
type Pipeline struct {
	Concat *Concat
	Sprite *Sprite
	SaveAs SaveAs
	Notify *Notify // nil when the string has no notify stage
}

// Action names as they appear in the process string. A task stores its
// action, and the task queue runs it with the processor registered under
// that name.
const (
	ActionConcat = "video/concat"
	ActionSprite = "video/sprite"
)

// Action returns the pipeline's action name: ActionConcat or ActionSprite.
func (p *Pipeline) Action() string {
	switch {
	case p.Concat != nil:
		return ActionConcat
	case p.Sprite != nil:
		return ActionSprite
	}
	return ""
}

// Container is an output container (`f`).
type Container string

// Containers accepted by video/concat.
const (
	MP4  Container = "mp4"
	MKV  Container = "mkv"
	MOV  Container = "mov"
	ASF  Container = "asf"
	AVI  Container = "avi"
	MXF  Container = "mxf"
	TS   Container = "ts"
	FLV  Container = "flv"
	WebM Container = "webm"
	MP3  Container = "mp3"
	AAC  Container = "aac"
	FLAC Container = "flac"
	OGA  Container = "oga"
	AC3  Container = "ac3"
	Opus Container = "opus"
	AMR  Container = "amr"
)

// VideoCodec is `vcodec`.
type VideoCodec string

// Video codecs.
const (
	H264 VideoCodec = "h264"
	H265 VideoCodec = "h265"
	VP9  VideoCodec = "vp9"
)

// AudioCodec is `acodec`.
type AudioCodec string

// Audio codecs.
const (
	AudioMP3    AudioCodec = "mp3"
	AudioVorbis AudioCodec = "vorbis"
	AudioAAC    AudioCodec = "aac"
	AudioFLAC   AudioCodec = "flac"
	AudioAC3    AudioCodec = "ac3"
	AudioOpus   AudioCodec = "opus"
	AudioPCM    AudioCodec = "pcm"
	AudioAMR    AudioCodec = "amr" // AMR-NB at 8 kHz, AMR-WB at 16 kHz; mono
)

// Opt is the 0/1/2 option of fpsopt, sopt, vbopt and abopt:
// 0 always use the given value; 1 use the source's when it is lower;
// 2 fail when the source's is lower.
type Opt int

// Opt values.
const (
	OptAlways      Opt = 0
	OptSourceLower Opt = 1
	OptFailLower   Opt = 2
)

// ScaleType is `scaletype`.
type ScaleType string

// Scale types.
const (
	Stretch ScaleType = "stretch"
	Crop    ScaleType = "crop"
	Fill    ScaleType = "fill"
	Fit     ScaleType = "fit"
)

// Clip is one input of a concatenation.
type Clip struct {
	Key      string        // object key in the source bucket; for the request's own object, the request key
	Self     bool          // true for the request's own object (the middle clip)
	Start    time.Duration // ss; 0 = from the beginning
	Duration time.Duration // t; 0 = to the end
}

// Concat is video/concat with its transcoding parameters.
type Concat struct {
	Clips   []Clip // in output order: /pre…, the request's object, /sur…
	Format  Container
	Video   *VideoOptions // nil when vn_1 or the container is audio-only
	Audio   *AudioOptions // nil when an_1
	Align   int           // index into Clips whose properties are the defaults
	Segment *Segment      // nil when the output is a single file
}

// VideoOptions are the video transcoding parameters. Zero means "take it from
// the align clip" unless said otherwise.
type VideoOptions struct {
	Codec      VideoCodec
	FPS        float64 // fps; 0 = align clip's rate
	FPSOpt     Opt
	PixFmt     string // pixfmt; "" = align clip's (mapped to what the encoder supports)
	Width      int    // s width; 0 = unset (or derived from Height keeping aspect)
	Height     int    // s height; 0 = unset
	SizeOpt    Opt
	ScaleType  ScaleType // default Stretch
	AutoRotate bool      // arotate_1
	GOP        int       // g; default 150
	Bitrate    int64     // vb in bps; 0 = unset
	BitrateOpt Opt
	CRF        float64 // valid when HasCRF
	HasCRF     bool
	MaxRate    int64 // 0 = unset (only with CRF)
	BufSize    int64 // 0 = unset (only with CRF)
}

// AudioOptions are the audio transcoding parameters.
type AudioOptions struct {
	Codec      AudioCodec
	SampleRate int // ar; 0 = align clip's
	Channels   int // ac; 0 = align clip's
	Quality    int // aq 0–100, valid when HasQuality
	HasQuality bool
	Bitrate    int64 // ab in bps; 0 = unset
	BitrateOpt Opt
	Depth      int // adepth 16 or 24; 0 = unset
}

// Segment is /segment: split the output into pieces of Duration.
type Segment struct {
	Format   Container // MP4 or TS
	Duration time.Duration
}

// ImageFormat is a sprite sheet's format.
type ImageFormat string

// Image formats.
const (
	JPG ImageFormat = "jpg"
	PNG ImageFormat = "png"
)

// CaptureMode is the sprite frame capture mode `m`.
type CaptureMode string

// Capture modes.
const (
	ModeInter CaptureMode = "inter"
	ModeKey   CaptureMode = "key"
	ModeAvg   CaptureMode = "avg"
	ModeDHash CaptureMode = "dhash"
)

// Sprite is video/sprite with every parameter resolved to its value or default.
type Sprite struct {
	Start     time.Duration // ss
	Format    ImageFormat   // f
	Mode      CaptureMode   // m, default inter
	Threshold int           // thr 0–100 (dhash only)
	Num       int           // num; 0 = no limit; in avg mode always > 0 (default Columns×Rows)
	Interval  time.Duration // inter; 0 = every frame
	Width     int           // sw; 0 = unset
	Height    int           // sh; 0 = unset
	WidthPct  int           // psw, default 100 (ignored when Width is set)
	HeightPct int           // psh, default 100 (ignored when Height is set)
	ScaleType ScaleType     // default Stretch
	Columns   int           // tw, default 6
	Rows      int           // th, default 6
	Pad       int           // default 2
	Margin    int           // default 2
}

// SaveAs is sys/saveas. Bucket is empty when the output goes to the source
// bucket. Both are templates over the saveas variables ({bucket}, {key},
// {index}, …; see ParseTemplate).
type SaveAs struct {
	Bucket Template
	Object Template
}

// Notify is the notify stage: the MNS topic told when the task ends.
type Notify struct {
	Topic string
}
