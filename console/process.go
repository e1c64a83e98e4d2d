package console

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// decoded is a process string as the parser understood it, for people:
// every clip with its decoded object name and trims, every parameter with
// its meaning and where its value comes from.
type decoded struct {
	Action string           `json:"Action"`
	Concat *concatView      `json:"Concat,omitempty"`
	Sprite *spriteView      `json:"Sprite,omitempty"`
	SaveAs saveAsView       `json:"SaveAs"`
	Notify string           `json:"NotifyTopic,omitempty"`
	Stages []string         `json:"Stages"` // the raw stages, split at '|'
	Pipe   *parser.Pipeline `json:"-"`
}

type saveAsView struct {
	Bucket string `json:"Bucket"` // template; "" = the source bucket
	Object string `json:"Object"` // template
}

type concatView struct {
	Clips   []clipView  `json:"Clips"`
	Format  string      `json:"Format"`
	Align   int         `json:"Align"`
	Video   []paramView `json:"Video"` // empty when the output has no video
	Audio   []paramView `json:"Audio"`
	Segment *struct {
		Format     string `json:"Format"`
		DurationMs int64  `json:"DurationMs"`
	} `json:"Segment,omitempty"`
}

type clipView struct {
	Index int    `json:"Index"` // 0-based output order
	Key   string `json:"Key"`   // decoded object name ("" for the request's own object until filled)
	Self  bool   `json:"Self"`
	SSMs  int64  `json:"SsMs"`
	TMs   int64  `json:"TMs"` // 0 = to the end
	Align bool   `json:"Align"`
}

type spriteView struct {
	Params  []paramView `json:"Params"`
	Mode    string      `json:"Mode"`
	Columns int         `json:"Columns"`
	Rows    int         `json:"Rows"`
	Pad     int         `json:"Pad"`
	Margin  int         `json:"Margin"`
	Format  string      `json:"Format"`
}

// paramView is one parameter: its key as written in a style, what it
// means, its value and where the value comes from.
type paramView struct {
	Key     string `json:"Key"`
	Meaning string `json:"Meaning"`
	Value   string `json:"Value"`
	// Origin: "request" (written in the style), "default" (the
	// documented default), "align" (taken from the align clip by the
	// engine) or "unset".
	Origin string `json:"Origin"`
}

// decode parses process for a task on bucket/object. A parse error is
// returned as the parser's *osserr.Error, with the text a client gets.
func decode(process, object string) (*decoded, error) {
	pl, err := parser.Parse(process)
	if err != nil {
		if _, ok := osserr.As(err); !ok {
			err = osserr.Wrap(osserr.InvalidArgument, err, "%v", err)
		}
		return nil, err
	}
	d := &decoded{Stages: strings.Split(process, "|"), Pipe: pl,
		SaveAs: saveAsView{Bucket: pl.SaveAs.Bucket.String(), Object: pl.SaveAs.Object.String()}}
	if pl.Notify != nil {
		d.Notify = pl.Notify.Topic
	}
	given := givenKeys(d.Stages[0])
	d.Action = pl.Action()
	switch {
	case pl.Concat != nil:
		d.Concat = viewConcat(pl.Concat, object, given)
	case pl.Sprite != nil:
		d.Sprite = viewSprite(pl.Sprite, given)
	}
	return d, nil
}

// givenKeys are the parameter keys written in the action's head segment
// (which holds no base64, so its first '/' after the action name ends it).
// Only used to tell a written value from a default in the display.
func givenKeys(stage string) map[string]bool {
	rest := strings.TrimPrefix(strings.TrimPrefix(stage, parser.ActionConcat), parser.ActionSprite)
	head, _, _ := strings.Cut(rest, "/")
	keys := map[string]bool{}
	for _, p := range strings.Split(head, ",") {
		if k, _, ok := strings.Cut(p, "_"); ok {
			keys[k] = true
		}
	}
	return keys
}

func viewConcat(c *parser.Concat, object string, given map[string]bool) *concatView {
	v := &concatView{Format: string(c.Format), Align: c.Align}
	for i, cl := range c.Clips {
		key := cl.Key
		if cl.Self {
			key = object
		}
		v.Clips = append(v.Clips, clipView{Index: i, Key: key, Self: cl.Self, SSMs: cl.Start.Milliseconds(),
			TMs: cl.Duration.Milliseconds(), Align: i == c.Align})
	}
	if c.Segment != nil {
		v.Segment = &struct {
			Format     string `json:"Format"`
			DurationMs int64  `json:"DurationMs"`
		}{string(c.Segment.Format), c.Segment.Duration.Milliseconds()}
	}
	if o := c.Video; o != nil {
		size := ""
		if o.Width > 0 || o.Height > 0 {
			size = sizeText(o.Width, o.Height)
		}
		crf := ""
		if o.HasCRF {
			crf = num(o.CRF)
		}
		v.Video = []paramView{
			p("vcodec", string(o.Codec), given),
			fromAlign(p("fps", nonZero(num(o.FPS)), given)),
			p("fpsopt", optText(o.FPSOpt, given["fpsopt"]), given),
			fromAlign(p("pixfmt", o.PixFmt, given)),
			fromAlign(p("s", size, given)),
			p("sopt", optText(o.SizeOpt, given["sopt"]), given),
			p("scaletype", string(o.ScaleType), given),
			p("arotate", boolText(o.AutoRotate), given),
			p("g", strconv.Itoa(o.GOP), given),
			fromAlign(p("vb", nonZero(strconv.FormatInt(o.Bitrate, 10)), given)),
			p("vbopt", optText(o.BitrateOpt, given["vbopt"]), given),
			p("crf", crf, given),
			p("maxrate", nonZero(strconv.FormatInt(o.MaxRate, 10)), given),
			p("bufsize", nonZero(strconv.FormatInt(o.BufSize, 10)), given),
		}
	}
	if o := c.Audio; o != nil {
		aq := ""
		if o.HasQuality {
			aq = strconv.Itoa(o.Quality)
		}
		v.Audio = []paramView{
			p("acodec", string(o.Codec), given),
			fromAlign(p("ar", nonZero(strconv.Itoa(o.SampleRate)), given)),
			fromAlign(p("ac", nonZero(strconv.Itoa(o.Channels)), given)),
			p("aq", aq, given),
			p("ab", nonZero(strconv.FormatInt(o.Bitrate, 10)), given),
			p("abopt", optText(o.BitrateOpt, given["abopt"]), given),
			p("adepth", nonZero(strconv.Itoa(o.Depth)), given),
		}
	}
	return v
}

func viewSprite(s *parser.Sprite, given map[string]bool) *spriteView {
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	thr, inter, num := "", "", ""
	if s.Mode == parser.ModeDHash {
		thr = strconv.Itoa(s.Threshold)
	}
	if s.Mode == parser.ModeInter || s.Mode == parser.ModeDHash {
		inter = ms(s.Interval)
	}
	if s.Num > 0 {
		num = strconv.Itoa(s.Num)
	}
	v := &spriteView{
		Mode: string(s.Mode), Columns: s.Columns, Rows: s.Rows, Pad: s.Pad, Margin: s.Margin, Format: string(s.Format),
		Params: []paramView{
			p("ss", ms(s.Start), given), p("f", string(s.Format), given), p("m", string(s.Mode), given),
			p("thr", thr, given), p("num", num, given), p("inter", inter, given),
			p("sw", nonZero(strconv.Itoa(s.Width)), given), p("sh", nonZero(strconv.Itoa(s.Height)), given),
			p("psw", strconv.Itoa(s.WidthPct), given), p("psh", strconv.Itoa(s.HeightPct), given),
			p("scaletype", string(s.ScaleType), given),
			p("tw", strconv.Itoa(s.Columns), given), p("th", strconv.Itoa(s.Rows), given),
			p("pad", strconv.Itoa(s.Pad), given), p("margin", strconv.Itoa(s.Margin), given),
		},
	}
	v.Params[0].Meaning = "where capture starts, in milliseconds"
	v.Params[1].Meaning = "sheet image format"
	return v
}

// p builds a parameter view; a value not written in the style is the
// default (or unset when empty).
func p(key, value string, given map[string]bool) paramView {
	origin := "default"
	switch {
	case given[key]:
		origin = "request"
	case value == "":
		origin = "unset"
	}
	return paramView{Key: key, Meaning: meanings[key], Value: value, Origin: origin}
}

// fromAlign marks an unset parameter as one the engine takes from the
// align clip; the plan endpoint fills its value.
func fromAlign(v paramView) paramView {
	if v.Origin == "unset" {
		v.Origin = "align"
	}
	return v
}

func nonZero(s string) string {
	if s == "0" {
		return ""
	}
	return s
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func optText(o parser.Opt, given bool) string {
	if !given && o == parser.OptAlways {
		return "0"
	}
	return strconv.Itoa(int(o))
}

func sizeText(w, h int) string {
	side := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%sx%s", side(w), side(h))
}
