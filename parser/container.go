package parser

// containers lists every accepted f value in documentation order (read-only).
var containers = []Container{MP4, MKV, MOV, ASF, AVI, MXF, TS, FLV, WebM, MP3, AAC, FLAC, OGA, AC3, Opus, AMR}

func containerNames() []string {
	names := make([]string, len(containers))
	for i, c := range containers {
		names[i] = string(c)
	}
	return names
}

func (c Container) valid() bool {
	for _, k := range containers {
		if c == k {
			return true
		}
	}
	return false
}

// AudioOnly reports whether c holds no video stream (the output then has no
// VideoOptions and vcodec is not required).
func (c Container) AudioOnly() bool {
	switch c {
	case MP3, AAC, FLAC, OGA, AC3, Opus, AMR:
		return true
	}
	return false
}

// Ext is the natural file extension of c, used for {autoext}. Every
// container's f value is also its usual extension.
func (c Container) Ext() string {
	if c.valid() {
		return string(c)
	}
	return ""
}

// Ext is the file extension of a sprite sheet, used for {autoext}.
func (f ImageFormat) Ext() string {
	switch f {
	case JPG, PNG:
		return string(f)
	}
	return ""
}

// MuxerName is the FFmpeg muxer that writes c (for avformat's
// output-format lookup), for the engines' convenience.
func (c Container) MuxerName() string {
	switch c {
	case MKV:
		return "matroska"
	case TS:
		return "mpegts"
	case OGA:
		return "ogg"
	case AAC:
		return "adts"
	case Opus:
		return "opus"
	case MP4, MOV, ASF, AVI, MXF, FLV, WebM, MP3, FLAC, AC3, AMR:
		return string(c)
	}
	return ""
}
