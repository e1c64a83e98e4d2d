package parser

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

const (
	// video and audio parameters every concat bound test needs
	baseAV = "f_mkv,vcodec_h264,acodec_aac"
	// maxMillisText is the largest ss/t/inter a Duration holds.
	maxMillisText = "9223372036854"
)

// boundCase is one bounded parameter: lo and hi must parse (and get must
// read them back), below and above must be refused naming the parameter.
type boundCase struct {
	param             string
	build             func(v string) string
	lo, hi            string
	below, above      string
	get               func(p *Pipeline) string
	intRangeInMessage bool // message is "parameter X: value V out of range [lo, hi]"
}

func concatParam(param, extra string) func(string) string {
	return func(v string) string { return concatWith(baseAV + extra + "," + param + "_" + v) }
}

func spriteParam(param, extra string) func(string) string {
	return func(v string) string { return spriteWith("f_png" + extra + "," + param + "_" + v) }
}

func ms(d time.Duration) string { return strconv.FormatInt(int64(d/time.Millisecond), 10) }

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func self(p *Pipeline) Clip {
	for _, c := range p.Concat.Clips {
		if c.Self {
			return c
		}
	}
	return Clip{}
}

func concatBounds() []boundCase {
	v := func(p *Pipeline) *VideoOptions { return p.Concat.Video }
	a := func(p *Pipeline) *AudioOptions { return p.Concat.Audio }
	pre := func(p string) func(string) string {
		return func(val string) string {
			return "video/concat," + baseAV + "/pre,o_" + b64("a.mp4") + "," + p + "_" + val + saveAs
		}
	}
	return []boundCase{
		{param: "ss", build: concatParam("ss", ""), lo: "0", hi: maxMillisText, below: "-1", above: "9223372036855",
			get: func(p *Pipeline) string { return ms(self(p).Start) }, intRangeInMessage: true},
		{param: "t", build: concatParam("t", ""), lo: "0", hi: maxMillisText, below: "-1", above: "9223372036855",
			get: func(p *Pipeline) string { return ms(self(p).Duration) }, intRangeInMessage: true},
		{param: "ss", build: pre("ss"), lo: "0", hi: maxMillisText, below: "-1", above: "9223372036855",
			get: func(p *Pipeline) string { return ms(p.Concat.Clips[0].Start) }, intRangeInMessage: true},
		{param: "t", build: pre("t"), lo: "0", hi: maxMillisText, below: "-1", above: "9223372036855",
			get: func(p *Pipeline) string { return ms(p.Concat.Clips[0].Duration) }, intRangeInMessage: true},
		{param: "vn", build: func(x string) string { return concatWith("f_mkv,vcodec_h264,acodec_aac,vn_" + x) }, lo: "0", hi: "1", below: "-1", above: "2",
			get: func(p *Pipeline) string {
				if p.Concat.Video == nil {
					return "1"
				}
				return "0"
			}, intRangeInMessage: true},
		{param: "an", build: func(x string) string { return concatWith("f_mkv,vcodec_h264,acodec_aac,an_" + x) }, lo: "0", hi: "1", below: "-1", above: "2",
			get: func(p *Pipeline) string {
				if p.Concat.Audio == nil {
					return "1"
				}
				return "0"
			}, intRangeInMessage: true},
		{param: "fps", build: concatParam("fps", ""), lo: "0.001", hi: "240", below: "0", above: "240.001",
			get: func(p *Pipeline) string { return ftoa(v(p).FPS) }},
		{param: "fpsopt", build: concatParam("fpsopt", ",fps_30"), lo: "0", hi: "2", below: "-1", above: "3",
			get: func(p *Pipeline) string { return itoa(v(p).FPSOpt) }, intRangeInMessage: true},
		{param: "sopt", build: concatParam("sopt", ",s_640x360"), lo: "0", hi: "2", below: "-1", above: "3",
			get: func(p *Pipeline) string { return itoa(v(p).SizeOpt) }, intRangeInMessage: true},
		{param: "s", build: concatParam("s", ""), lo: "1x1", hi: "4096x4096", below: "0x1", above: "4096x4097",
			get: func(p *Pipeline) string { return itoa(v(p).Width) + "x" + itoa(v(p).Height) }},
		{param: "s", build: concatParam("s", ""), lo: "1x", hi: "4096x", below: "0x", above: "4097x",
			get: func(p *Pipeline) string { return itoa(v(p).Width) + "x" }},
		{param: "s", build: concatParam("s", ""), lo: "x1", hi: "x4096", below: "x0", above: "x4097",
			get: func(p *Pipeline) string { return "x" + itoa(v(p).Height) }},
		{param: "arotate", build: concatParam("arotate", ""), lo: "0", hi: "1", below: "-1", above: "2",
			get: func(p *Pipeline) string {
				if v(p).AutoRotate {
					return "1"
				}
				return "0"
			}, intRangeInMessage: true},
		{param: "g", build: concatParam("g", ""), lo: "1", hi: "100000", below: "0", above: "100001",
			get: func(p *Pipeline) string { return itoa(v(p).GOP) }, intRangeInMessage: true},
		{param: "vb", build: concatParam("vb", ""), lo: "10000", hi: "100000000", below: "9999", above: "100000001",
			get: func(p *Pipeline) string { return itoa(v(p).Bitrate) }, intRangeInMessage: true},
		{param: "vbopt", build: concatParam("vbopt", ",vb_500000"), lo: "0", hi: "2", below: "-1", above: "3",
			get: func(p *Pipeline) string { return itoa(v(p).BitrateOpt) }, intRangeInMessage: true},
		{param: "crf", build: concatParam("crf", ""), lo: "0", hi: "51", below: "-0.001", above: "51.001",
			get: func(p *Pipeline) string { return ftoa(v(p).CRF) }},
		{param: "maxrate", build: concatParam("maxrate", ",crf_23"), lo: "10000", hi: "100000000", below: "9999", above: "100000001",
			get: func(p *Pipeline) string { return itoa(v(p).MaxRate) }, intRangeInMessage: true},
		{param: "bufsize", build: concatParam("bufsize", ",crf_23"), lo: "10000", hi: "200000000", below: "9999", above: "200000001",
			get: func(p *Pipeline) string { return itoa(v(p).BufSize) }, intRangeInMessage: true},
		{param: "ac", build: concatParam("ac", ""), lo: "1", hi: "8", below: "0", above: "9",
			get: func(p *Pipeline) string { return itoa(a(p).Channels) }, intRangeInMessage: true},
		{param: "aq", build: concatParam("aq", ""), lo: "0", hi: "100", below: "-1", above: "101",
			get: func(p *Pipeline) string { return itoa(a(p).Quality) }, intRangeInMessage: true},
		{param: "ab", build: concatParam("ab", ""), lo: "1000", hi: "10000000", below: "999", above: "10000001",
			get: func(p *Pipeline) string { return itoa(a(p).Bitrate) }, intRangeInMessage: true},
		{param: "abopt", build: concatParam("abopt", ",ab_128000"), lo: "0", hi: "2", below: "-1", above: "3",
			get: func(p *Pipeline) string { return itoa(a(p).BitrateOpt) }, intRangeInMessage: true},
		{param: "align", build: func(x string) string {
			return "video/concat," + baseAV + ",align_" + x + "/pre,o_" + b64("a") + "/sur,o_" + b64("b") + saveAs
		}, lo: "0", hi: "2", below: "-1", above: "3",
			get: func(p *Pipeline) string { return itoa(p.Concat.Align) }, intRangeInMessage: true},
	}
}

func segmentBounds() []boundCase {
	return []boundCase{
		{param: "t", build: func(x string) string {
			return "video/concat," + baseAV + "/segment,f_ts,t_" + x + saveAs
		}, lo: "0", hi: "3600000", below: "-1", above: "3600001",
			get: func(p *Pipeline) string { return ms(p.Concat.Segment.Duration) }, intRangeInMessage: true},
	}
}

func spriteBounds() []boundCase {
	s := func(p *Pipeline) *Sprite { return p.Sprite }
	return []boundCase{
		{param: "ss", build: spriteParam("ss", ""), lo: "0", hi: maxMillisText, below: "-1", above: "9223372036855",
			get: func(p *Pipeline) string { return ms(s(p).Start) }, intRangeInMessage: true},
		{param: "thr", build: spriteParam("thr", ",m_dhash"), lo: "0", hi: "100", below: "-1", above: "101",
			get: func(p *Pipeline) string { return itoa(s(p).Threshold) }, intRangeInMessage: true},
		{param: "num", build: spriteParam("num", ""), lo: "0", hi: "2147483647", below: "-1", above: "2147483648",
			get: func(p *Pipeline) string { return itoa(s(p).Num) }, intRangeInMessage: true},
		{param: "inter", build: spriteParam("inter", ""), lo: "0", hi: maxMillisText, below: "-1", above: "9223372036855",
			get: func(p *Pipeline) string { return ms(s(p).Interval) }, intRangeInMessage: true},
		{param: "sw", build: spriteParam("sw", ",tw_1"), lo: "32", hi: "4096", below: "31", above: "4097",
			get: func(p *Pipeline) string { return itoa(s(p).Width) }, intRangeInMessage: true},
		{param: "sh", build: spriteParam("sh", ",th_1"), lo: "32", hi: "4096", below: "31", above: "4097",
			get: func(p *Pipeline) string { return itoa(s(p).Height) }, intRangeInMessage: true},
		{param: "psw", build: spriteParam("psw", ""), lo: "1", hi: "200", below: "0", above: "201",
			get: func(p *Pipeline) string { return itoa(s(p).WidthPct) }, intRangeInMessage: true},
		{param: "psh", build: spriteParam("psh", ""), lo: "1", hi: "200", below: "0", above: "201",
			get: func(p *Pipeline) string { return itoa(s(p).HeightPct) }, intRangeInMessage: true},
		{param: "tw", build: spriteParam("tw", ""), lo: "1", hi: "100", below: "0", above: "101",
			get: func(p *Pipeline) string { return itoa(s(p).Columns) }, intRangeInMessage: true},
		{param: "th", build: spriteParam("th", ""), lo: "1", hi: "100", below: "0", above: "101",
			get: func(p *Pipeline) string { return itoa(s(p).Rows) }, intRangeInMessage: true},
		{param: "pad", build: spriteParam("pad", ""), lo: "0", hi: "100", below: "-1", above: "101",
			get: func(p *Pipeline) string { return itoa(s(p).Pad) }, intRangeInMessage: true},
		{param: "margin", build: spriteParam("margin", ""), lo: "0", hi: "100", below: "-1", above: "101",
			get: func(p *Pipeline) string { return itoa(s(p).Margin) }, intRangeInMessage: true},
	}
}

func TestBounds(t *testing.T) {
	t.Parallel()
	var all []boundCase
	all = append(all, concatBounds()...)
	all = append(all, segmentBounds()...)
	all = append(all, spriteBounds()...)
	for _, tc := range all {
		t.Run(tc.param+"/"+tc.lo+"-"+tc.hi, func(t *testing.T) {
			t.Parallel()
			for _, ok := range []string{tc.lo, tc.hi} {
				p := mustParse(t, tc.build(ok))
				require.Equal(t, ok, tc.get(p), "read back %s_%s", tc.param, ok)
			}
			for _, bad := range []string{tc.below, tc.above} {
				frags := []string{"parameter " + tc.param + ": value " + bad}
				if tc.intRangeInMessage {
					frags = append(frags, "out of range ["+tc.lo+", "+tc.hi+"]")
				}
				mustFail(t, tc.build(bad), osserr.InvalidArgument, frags...)
			}
		})
	}
}
