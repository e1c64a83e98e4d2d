package console

// Source is a probed input object (Media.Probe).
type Source struct {
	Container  string       `json:"Container"`
	Size       int64        `json:"Size"`
	DurationMs int64        `json:"DurationMs"`
	Bitrate    int64        `json:"Bitrate"`
	Streams    int          `json:"Streams"`
	Video      *SourceVideo `json:"Video,omitempty"`
	Audio      *SourceAudio `json:"Audio,omitempty"`
}

// SourceVideo is the video stream the engines would use.
type SourceVideo struct {
	Codec         string  `json:"Codec"`
	PixFmt        string  `json:"PixFmt"`
	Width         int     `json:"Width"`
	Height        int     `json:"Height"`
	DisplayWidth  int     `json:"DisplayWidth"`
	DisplayHeight int     `json:"DisplayHeight"`
	Rotation      int     `json:"Rotation"`
	FPS           float64 `json:"FPS"`
	Bitrate       int64   `json:"Bitrate"`
}

// SourceAudio is the audio stream the engines would use.
type SourceAudio struct {
	Codec      string `json:"Codec"`
	SampleRate int    `json:"SampleRate"`
	Channels   int    `json:"Channels"`
	Layout     string `json:"Layout"`
	Bitrate    int64  `json:"Bitrate"`
}

// ConcatPlan is what a video/concat will write once the engine has filled
// in what the request left out (Media.PlanConcat).
type ConcatPlan struct {
	Format     string        `json:"Format"`
	DurationMs int64         `json:"DurationMs"`
	Video      *PlannedVideo `json:"Video,omitempty"`
	Audio      *PlannedAudio `json:"Audio,omitempty"`
}

// PlannedVideo is the resolved video encoding; From is the clip the
// defaults came from (-1: none had video).
type PlannedVideo struct {
	Codec     string  `json:"Codec"`
	Width     int     `json:"Width"`
	Height    int     `json:"Height"`
	FPS       float64 `json:"FPS"`
	PixFmt    string  `json:"PixFmt"`
	Bitrate   int64   `json:"Bitrate"`
	CRF       float64 `json:"CRF"`
	HasCRF    bool    `json:"HasCRF"`
	GOP       int     `json:"GOP"`
	ScaleType string  `json:"ScaleType"`
	From      int     `json:"From"`
}

// PlannedAudio is the resolved audio encoding.
type PlannedAudio struct {
	Codec      string `json:"Codec"`
	SampleRate int    `json:"SampleRate"`
	Channels   int    `json:"Channels"`
	Layout     string `json:"Layout"`
	Bitrate    int64  `json:"Bitrate"`
	From       int    `json:"From"`
}

// SpritePlan is the geometry of a sprite task's sheets and the capture
// time of each cell (Media.PlanSprite). Sizes are [width, height].
type SpritePlan struct {
	Source     [2]int  `json:"Source"`
	Cell       [2]int  `json:"Cell"`
	Scaled     [2]int  `json:"Scaled"`
	Offset     [2]int  `json:"Offset"`
	Sheet      [2]int  `json:"Sheet"`
	DurationMs int64   `json:"DurationMs"`
	TimesMs    []int64 `json:"TimesMs"`             // nil when the packets do not tell them
	TimesNote  string  `json:"TimesNote,omitempty"` // why TimesMs is nil
}
