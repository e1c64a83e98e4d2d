package parser

import "github.com/ossemu/ossemu/internal/names"

// MaxClips is the most videos one video/concat may join (OSS's video/concat
// documentation: "Video stitching supports up to 11 videos per request").
const MaxClips = 11

// maxSegmentMillis bounds /segment t (OSS documents 0 to 3,600,000 ms).
const maxSegmentMillis = 3_600_000

// headParams are the parameters of the video/concat segment itself.
var headParams = []string{
	"ss", "t", "f", "vn", "vcodec", "fps", "fpsopt", "pixfmt", "s", "sopt",
	"scaletype", "arotate", "g", "vb", "vbopt", "crf", "maxrate", "bufsize",
	"an", "acodec", "ar", "ac", "aq", "ab", "abopt", "align", "adepth",
}

// parseConcat builds a Concat from the video/concat stage. Clip order is
// every /pre in string order, then the request's own object, then every
// /sur in string order; the head segment's ss/t cut the request's object.
func parseConcat(segs []segment) (*Concat, error) {
	head, err := parseParams(ActionConcat, segs[0].params, headParams...)
	if err != nil {
		return nil, err
	}
	self, err := clipTimes(head, Clip{Self: true})
	if err != nil {
		return nil, err
	}
	var pre, sur []Clip
	c := &Concat{}
	for _, s := range segs[1:] {
		switch s.name {
		case segPre, segSur:
			clip, err := parseClip(s)
			if err != nil {
				return nil, err
			}
			if s.name == segPre {
				pre = append(pre, clip)
			} else {
				sur = append(sur, clip)
			}
		case segSegment:
			if c.Segment != nil {
				return nil, invalid("/segment: given more than once")
			}
			if c.Segment, err = parseSegment(s.params); err != nil {
				return nil, err
			}
		}
	}
	c.Clips = append(append(append(make([]Clip, 0, len(pre)+1+len(sur)), pre...), self), sur...)
	if len(c.Clips) > MaxClips {
		return nil, invalid("video/concat: %d videos, at most %d can be concatenated", len(c.Clips), MaxClips)
	}
	if c.Align, err = head.small("align", 0, len(c.Clips)-1, 0); err != nil {
		return nil, err
	}
	if err := parseTranscode(head, c); err != nil {
		return nil, err
	}
	return c, nil
}

// parseClip reads one /pre or /sur segment.
func parseClip(s segment) (Clip, error) {
	where := "/" + s.name
	ps, err := parseParams(where, s.params, "o", "ss", "t")
	if err != nil {
		return Clip{}, err
	}
	if err := ps.require("o"); err != nil {
		return Clip{}, err
	}
	raw, _ := ps.str("o")
	key, err := decodeB64("o", raw)
	if err != nil {
		return Clip{}, err
	}
	if err := checkKey("o", key); err != nil {
		return Clip{}, err
	}
	return clipTimes(ps, Clip{Key: key})
}

// clipTimes fills Start (ss) and Duration (t), both in milliseconds.
func clipTimes(ps paramSet, c Clip) (Clip, error) {
	var err error
	if c.Start, err = ps.millis("ss", maxMillis); err != nil {
		return c, err
	}
	c.Duration, err = ps.millis("t", maxMillis)
	return c, err
}

// parseSegment reads /segment,f_<mp4|ts>,t_<ms>.
func parseSegment(text string) (*Segment, error) {
	ps, err := parseParams("/segment", text, "f", "t")
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"f", "t"} {
		if err := ps.require(k); err != nil {
			return nil, err
		}
	}
	f, err := ps.enum("f", "", string(MP4), string(TS))
	if err != nil {
		return nil, err
	}
	d, err := ps.millis("t", maxSegmentMillis)
	if err != nil {
		return nil, err
	}
	return &Segment{Format: Container(f), Duration: d}, nil
}

// checkKey applies the object-name rules every store applies
// (names.ObjectKeyProblem) to key, the value of param.
func checkKey(param, key string) error {
	if p := names.ObjectKeyProblem(key); p != "" {
		return invalid("parameter %s: %s", param, p)
	}
	return nil
}
