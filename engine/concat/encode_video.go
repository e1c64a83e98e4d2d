package concat

import (
	"fmt"
	"strconv"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// videoEncoderName maps vcodec to the libav encoder.
func videoEncoderName(c parser.VideoCodec) string {
	switch c {
	case parser.H265:
		return "libx265"
	case parser.VP9:
		return "libvpx-vp9"
	}
	return "libx264"
}

// openVideoEncoder opens the video encoder for the plan: size, pixel format
// and time base 1/fps; GOP g; either a target bitrate (vb, or the
// resolution-based default) or CRF with optional VBV maxrate/bufsize.
func openVideoEncoder(vp *videoPlan, f parser.Container, preset string, threads threads, mux *libav.Muxer, c *astikit.Closer) (*libav.Encoder, error) {
	e, err := libav.NewEncoder(videoEncoderName(vp.opts.Codec), mux, c)
	if err != nil {
		return nil, err
	}
	cc, s := e.CodecContext, vp.shape
	if !supportsPixFmt(e.Codec, s.PixFmt) {
		return nil, osserr.New(osserr.InvalidArgument, "parameter pixfmt: %s cannot encode %s", e.Codec.Name(), s.PixFmt.Name())
	}
	cc.SetWidth(s.Width)
	cc.SetHeight(s.Height)
	cc.SetPixelFormat(s.PixFmt)
	cc.SetSampleAspectRatio(astiav.NewRational(1, 1))
	cc.SetTimeBase(astiav.NewRational(s.Rate.Den(), s.Rate.Num()))
	cc.SetFramerate(s.Rate)
	gop := vp.opts.GOP
	if gop <= 0 {
		gop = 150
	}
	cc.SetGopSize(gop)
	n, threadedLookahead := threads.encoder(vp.opts.Codec, s.Width, s.Height)
	cc.SetThreadCount(n)
	if vp.bitrate > 0 {
		cc.SetBitRate(vp.bitrate)
	}

	opts := videoCodecOptions(vp, preset, n, threadedLookahead)
	if f == parser.AVI && vp.opts.Codec != parser.VP9 {
		// AVI stores no timestamps, only chunk order: B-frames give the
		// video negative DTS, libavformat then shifts every stream by the
		// reorder delay rounded up to whole audio frames (AVI's audio time
		// base is one codec frame) and the AVI muxer fills the gap with
		// empty audio chunks. Without reordering DTS equal PTS from 0.
		opts["bf"] = "0"
	}
	tag := astiav.CodecTag(0)
	switch {
	case vp.opts.Codec == parser.H265 && (f == parser.MP4 || f == parser.MOV):
		tag = fourCC("hvc1") // what Apple players require
	case vp.opts.Codec == parser.H265 && f == parser.AVI:
		tag = fourCC("HEVC") // the AVI muxer has no default HEVC tag
	}
	if err := e.Open(opts, tag); err != nil {
		return nil, osserr.Wrap(osserr.InvalidArgument, err, "video encoder %s refused the parameters: %v", e.Codec.Name(), err)
	}
	return e, nil
}

// videoCodecOptions are the encoder-specific options: the x264/x265 preset
// (server setting), CRF and VBV for x264/x265, and for VP9 a
// deadline/cpu-used pair matched to the same preset name.
func videoCodecOptions(vp *videoPlan, preset string, threads int, threadedLookahead bool) map[string]string {
	o := vp.opts
	opts := map[string]string{}
	crf := strconv.FormatFloat(o.CRF, 'f', -1, 64)
	switch o.Codec {
	case parser.H264, parser.H265:
		opts["preset"] = preset
		if o.HasCRF {
			opts["crf"] = crf
			if o.MaxRate > 0 {
				opts["maxrate"] = strconv.FormatInt(o.MaxRate, 10)
				bufsize := o.BufSize
				if bufsize <= 0 {
					bufsize = 2 * o.MaxRate
				}
				opts["bufsize"] = strconv.FormatInt(bufsize, 10)
			} else if o.BufSize > 0 {
				opts["bufsize"] = strconv.FormatInt(o.BufSize, 10)
			}
		}
		if !o.HasCRF && o.Bitrate > 0 {
			// vb is honoured as a constant bitrate: VBV at the target and,
			// for x264, filler data, so the file has the requested rate even
			// where the picture is simple (the black of an audio-only clip).
			b := strconv.FormatInt(vp.bitrate, 10)
			opts["maxrate"], opts["minrate"] = b, b
			opts["bufsize"] = strconv.FormatInt(2*vp.bitrate, 10)
			if o.Codec == parser.H264 {
				opts["x264-params"] = "nal-hrd=cbr:"
			}
		}
		if o.Codec == parser.H264 && !threadedLookahead {
			opts["x264-params"] += x264InlineLookahead
		}
		if o.Codec == parser.H265 {
			params := fmt.Sprintf("log-level=error:pools=%d", max(threads, 1))
			if opts["maxrate"] != "" {
				params += fmt.Sprintf(":vbv-maxrate=%s:vbv-bufsize=%s", kbits(opts["maxrate"]), kbits(opts["bufsize"]))
			}
			opts["x265-params"] = params
		}
	case parser.VP9:
		deadline, cpu := vp9Speed(preset)
		opts["deadline"] = deadline
		opts["cpu-used"] = strconv.Itoa(cpu)
		opts["row-mt"] = "1"
		if !o.HasCRF && o.Bitrate > 0 {
			b := strconv.FormatInt(vp.bitrate, 10)
			opts["maxrate"], opts["minrate"] = b, b // libvpx CBR mode
			opts["bufsize"] = strconv.FormatInt(2*vp.bitrate, 10)
		}
		if o.HasCRF {
			opts["crf"] = crf
			// b=0 is constant quality; a maxrate makes it constrained quality.
			opts["b"] = strconv.FormatInt(o.MaxRate, 10)
			if o.BufSize > 0 {
				opts["bufsize"] = strconv.FormatInt(o.BufSize, 10)
			}
		}
	}
	return opts
}

// x264InlineLookahead keeps x264's lookahead in the thread that feeds
// the encoder (sync-lookahead=0) instead of a thread of its own, for a task
// whose thread budget gives it no spare core (see threads.encoder). The
// threaded lookahead is one more busy thread and buffers bframes+1 extra
// full-size frames between it and the frame threads (about 30 MB at
// 1080p). The lookahead's decisions are the same either way (same
// rc-lookahead, same PSNR and bitrate within 0.01 dB / 0.2%).
const x264InlineLookahead = "sync-lookahead=0"

func fourCC(s string) astiav.CodecTag {
	return astiav.CodecTag(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}

func kbits(bits string) string {
	n, _ := strconv.ParseInt(bits, 10, 64)
	return strconv.FormatInt(n/1000, 10)
}

// vp9Speed maps an x264 preset name onto libvpx's deadline and cpu-used.
func vp9Speed(preset string) (string, int) {
	switch preset {
	case "ultrafast":
		return "realtime", 8
	case "superfast":
		return "realtime", 7
	case "veryfast":
		return "realtime", 6
	case "faster":
		return "realtime", 5
	case "fast":
		return "good", 4
	case "medium":
		return "good", 3
	case "slow":
		return "good", 2
	case "slower":
		return "good", 1
	}
	return "good", 0
}

func supportsPixFmt(c *astiav.Codec, pf astiav.PixelFormat) bool {
	fmts := c.PixelFormats()
	if len(fmts) == 0 {
		return true
	}
	for _, f := range fmts {
		if f == pf {
			return true
		}
	}
	return false
}
