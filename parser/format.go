package parser

import (
	"strconv"
	"strings"
	"time"
)

// String is the canonical process string of p: parameters in a fixed order,
// defaults omitted, base64 URL-safe without padding. Parse(p.String())
// returns a value equal to p for every p that Parse returned.
func (p *Pipeline) String() string {
	var w paramWriter
	switch {
	case p.Concat != nil:
		p.Concat.write(&w)
	case p.Sprite != nil:
		p.Sprite.write(&w)
	}
	w.stage(stageSaveAs)
	if !p.SaveAs.Bucket.IsZero() {
		w.add("b", encodeB64(p.SaveAs.Bucket.String()))
	}
	w.add("o", encodeB64(p.SaveAs.Object.String()))
	if p.Notify != nil {
		w.segment(stageNotify)
		w.add("topic", encodeB64(p.Notify.Topic))
	}
	return w.b.String()
}

// paramWriter assembles stages, segments and k_v parameters.
type paramWriter struct {
	b strings.Builder
}

func (w *paramWriter) stage(name string) {
	if w.b.Len() > 0 {
		w.b.WriteByte('|')
	}
	w.b.WriteString(name)
}

func (w *paramWriter) segment(name string) {
	w.b.WriteByte('/')
	w.b.WriteString(name)
}

func (w *paramWriter) add(key, val string) {
	w.b.WriteByte(',')
	w.b.WriteString(key)
	w.b.WriteByte('_')
	w.b.WriteString(val)
}

// addInt writes key unless n equals def.
func (w *paramWriter) addInt(key string, n, def int64) {
	if n != def {
		w.add(key, strconv.FormatInt(n, 10))
	}
}

func (w *paramWriter) addMillis(key string, d time.Duration) {
	w.addInt(key, int64(d/time.Millisecond), 0)
}

func (w *paramWriter) addFlag(key string, on bool) {
	if on {
		w.add(key, "1")
	}
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (c *Concat) write(w *paramWriter) {
	w.stage(ActionConcat)
	self := 0
	for i, clip := range c.Clips {
		if clip.Self {
			self = i
			w.addMillis("ss", clip.Start)
			w.addMillis("t", clip.Duration)
		}
	}
	w.add("f", string(c.Format))
	if c.Video == nil && !c.Format.AudioOnly() {
		w.add("vn", "1")
	}
	if v := c.Video; v != nil {
		v.write(w)
	}
	if c.Audio == nil {
		w.add("an", "1")
	} else {
		c.Audio.write(w)
	}
	w.addInt("align", int64(c.Align), 0)
	for i, clip := range c.Clips {
		if clip.Self {
			continue
		}
		if i < self {
			w.segment(segPre)
		} else {
			w.segment(segSur)
		}
		w.add("o", encodeB64(clip.Key))
		w.addMillis("ss", clip.Start)
		w.addMillis("t", clip.Duration)
	}
	if s := c.Segment; s != nil {
		w.segment(segSegment)
		w.add("f", string(s.Format))
		w.add("t", strconv.FormatInt(int64(s.Duration/time.Millisecond), 10))
	}
}

func (v *VideoOptions) write(w *paramWriter) {
	w.add("vcodec", string(v.Codec))
	if v.FPS != 0 {
		w.add("fps", formatFloat(v.FPS))
		w.addInt("fpsopt", int64(v.FPSOpt), 0)
	}
	if v.PixFmt != "" {
		w.add("pixfmt", v.PixFmt)
	}
	if v.Width != 0 || v.Height != 0 {
		s := "x"
		if v.Width != 0 {
			s = strconv.Itoa(v.Width) + s
		}
		if v.Height != 0 {
			s += strconv.Itoa(v.Height)
		}
		w.add("s", s)
		w.addInt("sopt", int64(v.SizeOpt), 0)
	}
	if v.ScaleType != Stretch {
		w.add("scaletype", string(v.ScaleType))
	}
	w.addFlag("arotate", v.AutoRotate)
	w.addInt("g", int64(v.GOP), defaultGOP)
	if v.Bitrate != 0 {
		w.add("vb", strconv.FormatInt(v.Bitrate, 10))
		w.addInt("vbopt", int64(v.BitrateOpt), 0)
	}
	if v.HasCRF {
		w.add("crf", formatFloat(v.CRF))
		w.addInt("maxrate", v.MaxRate, 0)
		w.addInt("bufsize", v.BufSize, 0)
	}
}

func (a *AudioOptions) write(w *paramWriter) {
	w.add("acodec", string(a.Codec))
	w.addInt("ar", int64(a.SampleRate), 0)
	w.addInt("ac", int64(a.Channels), 0)
	if a.HasQuality {
		w.add("aq", strconv.Itoa(a.Quality))
	}
	if a.Bitrate != 0 {
		w.add("ab", strconv.FormatInt(a.Bitrate, 10))
		w.addInt("abopt", int64(a.BitrateOpt), 0)
	}
	w.addInt("adepth", int64(a.Depth), 0)
}

func (s *Sprite) write(w *paramWriter) {
	w.stage(ActionSprite)
	w.addMillis("ss", s.Start)
	w.add("f", string(s.Format))
	if s.Mode != ModeInter {
		w.add("m", string(s.Mode))
	}
	w.addInt("thr", int64(s.Threshold), 0)
	w.addInt("num", int64(s.Num), 0)
	w.addMillis("inter", s.Interval)
	w.addInt("sw", int64(s.Width), 0)
	w.addInt("sh", int64(s.Height), 0)
	w.addInt("psw", int64(s.WidthPct), defaultPercent)
	w.addInt("psh", int64(s.HeightPct), defaultPercent)
	if s.ScaleType != Stretch {
		w.add("scaletype", string(s.ScaleType))
	}
	w.addInt("tw", int64(s.Columns), defaultTiles)
	w.addInt("th", int64(s.Rows), defaultTiles)
	w.addInt("pad", int64(s.Pad), defaultSpacing)
	w.addInt("margin", int64(s.Margin), defaultSpacing)
}
