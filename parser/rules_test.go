package parser

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// ruleCase is one side of a cross-parameter rule.
type ruleCase struct {
	name    string
	process string
	code    *osserr.Code // nil: must parse
	frags   []string
	check   func(t *testing.T, p *Pipeline)
}

var (
	invalidArg = &osserr.InvalidArgument
	missingArg = &osserr.MissingArgument
)

func runRules(t *testing.T, cases []ruleCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.code == nil {
				p := mustParse(t, tc.process)
				if tc.check != nil {
					tc.check(t, p)
				}
				return
			}
			mustFail(t, tc.process, *tc.code, tc.frags...)
		})
	}
}

func TestConcatRules(t *testing.T) {
	t.Parallel()
	pres := func(n int) string { return strings.Repeat("/pre,o_"+b64("p.mp4"), n) }
	runRules(t, []ruleCase{
		{name: "vb alone", process: concatWith(baseAV + ",vb_500000")},
		{name: "crf alone", process: concatWith(baseAV + ",crf_23"), check: func(t *testing.T, p *Pipeline) {
			require.True(t, p.Concat.Video.HasCRF)
			require.Equal(t, 23.0, p.Concat.Video.CRF)
		}},
		{name: "vb with crf", process: concatWith(baseAV + ",vb_500000,crf_23"), code: invalidArg, frags: []string{"vb", "crf", "mutually exclusive"}},
		{name: "aq alone", process: concatWith(baseAV + ",aq_80"), check: func(t *testing.T, p *Pipeline) {
			require.True(t, p.Concat.Audio.HasQuality)
			require.Equal(t, 80, p.Concat.Audio.Quality)
		}},
		{name: "aq with ab", process: concatWith(baseAV + ",aq_80,ab_128000"), code: invalidArg, frags: []string{"aq", "ab", "mutually exclusive"}},
		{name: "fpsopt with fps", process: concatWith(baseAV + ",fps_30,fpsopt_2")},
		{name: "fpsopt without fps", process: concatWith(baseAV + ",fpsopt_2"), code: invalidArg, frags: []string{"parameter fpsopt", "together with fps"}},
		{name: "sopt with s", process: concatWith(baseAV + ",s_1280x,sopt_1")},
		{name: "sopt without s", process: concatWith(baseAV + ",sopt_1"), code: invalidArg, frags: []string{"parameter sopt", "together with s"}},
		{name: "vbopt with vb", process: concatWith(baseAV + ",vb_500000,vbopt_1")},
		{name: "vbopt without vb", process: concatWith(baseAV + ",vbopt_1"), code: invalidArg, frags: []string{"parameter vbopt", "together with vb"}},
		{name: "abopt with ab", process: concatWith(baseAV + ",ab_64000,abopt_2")},
		{name: "abopt without ab", process: concatWith(baseAV + ",abopt_2"), code: invalidArg, frags: []string{"parameter abopt", "together with ab"}},
		{name: "maxrate with crf", process: concatWith(baseAV + ",crf_23,maxrate_2000000")},
		{name: "maxrate without crf", process: concatWith(baseAV + ",vb_500000,maxrate_2000000"), code: invalidArg, frags: []string{"parameter maxrate", "together with crf"}},
		{name: "bufsize with crf", process: concatWith(baseAV + ",crf_23,bufsize_4000000")},
		{name: "bufsize without crf", process: concatWith(baseAV + ",bufsize_4000000"), code: invalidArg, frags: []string{"parameter bufsize", "together with crf"}},
		{name: "f missing", process: concatWith("vcodec_h264,acodec_aac"), code: missingArg, frags: []string{"parameter f"}},
		{name: "vcodec missing", process: concatWith("f_mp4,acodec_aac"), code: missingArg, frags: []string{"parameter vcodec"}},
		{name: "vcodec not needed with vn_1", process: concatWith("f_mp4,vn_1,acodec_aac"), check: func(t *testing.T, p *Pipeline) {
			require.Nil(t, p.Concat.Video)
		}},
		{name: "vcodec not needed for audio-only f", process: concatWith("f_mp3,acodec_mp3"), check: func(t *testing.T, p *Pipeline) {
			require.Nil(t, p.Concat.Video)
			require.Equal(t, AudioMP3, p.Concat.Audio.Codec)
		}},
		{name: "video params dropped for audio-only f", process: concatWith("f_aac,vcodec_h264,fps_30,acodec_aac"), check: func(t *testing.T, p *Pipeline) {
			require.Nil(t, p.Concat.Video)
		}},
		{name: "acodec missing", process: concatWith("f_mp4,vcodec_h264"), code: missingArg, frags: []string{"parameter acodec"}},
		{name: "acodec not needed with an_1", process: concatWith("f_mp4,vcodec_h264,an_1"), check: func(t *testing.T, p *Pipeline) {
			require.Nil(t, p.Concat.Audio)
			require.Equal(t, H264, p.Concat.Video.Codec)
		}},
		{name: "vn_1 and an_1", process: concatWith("f_mp4,vn_1,an_1"), code: invalidArg, frags: []string{"no output stream"}},
		{name: "audio-only f and an_1", process: concatWith("f_mp3,an_1"), code: invalidArg, frags: []string{"no output stream"}},
		{name: "align inside clips", process: "video/concat," + baseAV + ",align_1/sur,o_" + b64("s.mp4") + saveAs},
		{name: "align past clips", process: "video/concat," + baseAV + ",align_2/sur,o_" + b64("s.mp4") + saveAs, code: invalidArg, frags: []string{"parameter align: value 2 out of range [0, 1]"}},
		{name: "11 clips", process: "video/concat," + baseAV + pres(10) + saveAs, check: func(t *testing.T, p *Pipeline) {
			require.Len(t, p.Concat.Clips, MaxClips)
			require.True(t, p.Concat.Clips[10].Self)
		}},
		{name: "12 clips", process: "video/concat," + baseAV + pres(5) + "/sur,o_" + b64("s") + pres(5) + saveAs, code: invalidArg, frags: []string{"12 videos", "at most 11"}},
		{name: "pre needs o", process: "video/concat," + baseAV + "/pre,ss_10" + saveAs, code: missingArg, frags: []string{"/pre", "parameter o"}},
		{name: "segment mp4", process: "video/concat," + baseAV + "/segment,f_mp4,t_10000" + saveAs, check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, &Segment{Format: MP4, Duration: 10_000_000_000}, p.Concat.Segment)
		}},
		{name: "segment mkv", process: "video/concat," + baseAV + "/segment,f_mkv,t_10000" + saveAs, code: invalidArg, frags: []string{"parameter f: value mkv"}},
		{name: "segment needs t", process: "video/concat," + baseAV + "/segment,f_ts" + saveAs, code: missingArg, frags: []string{"/segment", "parameter t"}},
		{name: "segment container checks codecs", process: "video/concat,f_mkv,vcodec_vp9,acodec_opus/segment,f_ts,t_5000" + saveAs, code: invalidArg, frags: []string{"vp9", "ts"}},
		{name: "two segments", process: "video/concat," + baseAV + "/segment,f_ts,t_1/segment,f_ts,t_1" + saveAs, code: invalidArg, frags: []string{"/segment", "more than once"}},
		{name: "acodec amr", process: concatWith("f_mp4,vcodec_h264,acodec_amr"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, AudioAMR, p.Concat.Audio.Codec)
		}},
		{name: "f amr", process: concatWith("f_amr,acodec_amr"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, AMR, p.Concat.Format)
			require.Nil(t, p.Concat.Video)
		}},
		{name: "f amr with aac", process: concatWith("f_amr,acodec_aac"), code: invalidArg, frags: []string{"parameter acodec: aac cannot be stored in container amr"}},
		{name: "vcodec copy", process: concatWith("f_mp4,vcodec_copy,acodec_aac"), code: invalidArg, frags: []string{"parameter vcodec: value copy"}},
		{name: "yuva420p with vp9", process: concatWith("f_webm,vcodec_vp9,pixfmt_yuva420p,acodec_opus")},
		{name: "yuva420p with h264", process: concatWith("f_mkv,vcodec_h264,pixfmt_yuva420p,acodec_aac"), code: invalidArg, frags: []string{"yuva420p", "vp9"}},
		{name: "adepth kept for flac", process: concatWith("f_mkv,vcodec_h264,acodec_flac,adepth_24"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, 24, p.Concat.Audio.Depth)
		}},
		{name: "adepth dropped for aac", process: concatWith("f_mkv,vcodec_h264,acodec_aac,adepth_24"), check: func(t *testing.T, p *Pipeline) {
			require.Zero(t, p.Concat.Audio.Depth)
		}},
		{name: "adepth 20", process: concatWith("f_mkv,vcodec_h264,acodec_pcm,adepth_20"), code: invalidArg, frags: []string{"parameter adepth: value 20"}},
		{name: "pixfmt unknown", process: concatWith(baseAV + ",pixfmt_rgb24"), code: invalidArg, frags: []string{"parameter pixfmt: value rgb24"}},
		{name: "scaletype", process: concatWith(baseAV + ",s_640x360,scaletype_crop"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, Crop, p.Concat.Video.ScaleType)
		}},
		{name: "scaletype unknown", process: concatWith(baseAV + ",scaletype_zoom"), code: invalidArg, frags: []string{"parameter scaletype: value zoom"}},
		{name: "s without x", process: concatWith(baseAV + ",s_1280"), code: invalidArg, frags: []string{"parameter s: value 1280"}},
		{name: "s just x", process: concatWith(baseAV + ",s_x"), code: invalidArg, frags: []string{"parameter s: value x"}},
		{name: "fps nan", process: concatWith(baseAV + ",fps_NaN"), code: invalidArg, frags: []string{"parameter fps: value NaN"}},
		{name: "fps inf", process: concatWith(baseAV + ",fps_Inf"), code: invalidArg, frags: []string{"parameter fps: value Inf"}},
		{name: "crf exponent", process: concatWith(baseAV + ",crf_1e1"), code: invalidArg, frags: []string{"parameter crf: value 1e1"}},
		{name: "fps fraction", process: concatWith(baseAV + ",fps_29.97"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, 29.97, p.Concat.Video.FPS)
		}},
		{name: "ar unlisted", process: concatWith(baseAV + ",ar_44000"), code: invalidArg, frags: []string{"parameter ar: value 44000"}},
	})
}

// TestContainerRules checks each container/codec rule OSS documents and
// those measured with FFmpeg, one passing and one failing case per rule.
func TestContainerRules(t *testing.T) {
	t.Parallel()
	av := func(f, v, a string) string {
		return concatWith("f_" + f + ",vcodec_" + v + ",acodec_" + a)
	}
	ok := func(name, process string) ruleCase { return ruleCase{name: name, process: process} }
	bad := func(name, process string, frags ...string) ruleCase {
		return ruleCase{name: name, process: process, code: invalidArg, frags: frags}
	}
	runRules(t, []ruleCase{
		ok("mxf h264 pcm", av("mxf", "h264", "pcm")),
		bad("mxf h265", av("mxf", "h265", "pcm"), "h265", "mxf"),
		bad("mxf aac", av("mxf", "h264", "aac"), "aac", "mxf"),
		ok("flv h264 aac", av("flv", "h264", "aac")),
		bad("flv h265", av("flv", "h265", "aac"), "h265", "flv"),
		bad("flv vp9", av("flv", "vp9", "aac"), "vp9", "flv"),
		bad("flv flac", av("flv", "h264", "flac"), "flac", "flv"),
		bad("flv vorbis", av("flv", "h264", "vorbis"), "vorbis", "flv"),
		bad("flv opus", av("flv", "h264", "opus"), "opus", "flv"),
		bad("flv pcm", av("flv", "h264", "pcm"), "pcm", "flv"),
		ok("mp4 h265 opus", av("mp4", "h265", "opus")),
		bad("mp4 pcm", av("mp4", "h264", "pcm"), "pcm", "mp4"),
		ok("mov h264 pcm", av("mov", "h264", "pcm")),
		bad("mov flac", av("mov", "h264", "flac"), "flac", "mov"),
		bad("mov opus", av("mov", "h264", "opus"), "opus", "mov"),
		bad("mov vp9", av("mov", "vp9", "aac"), "vp9", "mov"),
		ok("asf vp9 flac", av("asf", "vp9", "flac")),
		bad("asf opus", av("asf", "h264", "opus"), "opus", "asf"),
		bad("asf h265", av("asf", "h265", "aac"), "h265", "asf"),
		ok("avi h265 pcm", av("avi", "h265", "pcm")),
		bad("avi opus", av("avi", "h264", "opus"), "opus", "avi"),
		ok("ts h265 ac3", av("ts", "h265", "ac3")),
		bad("ts flac", av("ts", "h264", "flac"), "flac", "ts"),
		bad("ts vorbis", av("ts", "h264", "vorbis"), "vorbis", "ts"),
		bad("ts pcm", av("ts", "h264", "pcm"), "pcm", "ts"),
		bad("ts vp9", av("ts", "vp9", "aac"), "vp9", "ts"),
		ok("webm vp9 vorbis", av("webm", "vp9", "vorbis")),
		bad("webm h264", av("webm", "h264", "opus"), "h264", "webm"),
		bad("webm aac", av("webm", "vp9", "aac"), "aac", "webm"),
		ok("mkv vp9 pcm", av("mkv", "vp9", "pcm")),
		ok("oga flac", concatWith("f_oga,acodec_flac")),
		bad("oga aac", concatWith("f_oga,acodec_aac"), "aac", "oga"),
		bad("mp3 aac", concatWith("f_mp3,acodec_aac"), "aac", "mp3"),
		ok("aac aac", concatWith("f_aac,acodec_aac")),
		bad("flac mp3", concatWith("f_flac,acodec_mp3"), "mp3", "flac"),
		ok("ac3 ac3", concatWith("f_ac3,acodec_ac3")),
		bad("opus vorbis", concatWith("f_opus,acodec_vorbis"), "vorbis", "opus"),
		// sample rates
		ok("mp3 48 kHz", concatWith("f_mp3,acodec_mp3,ar_48000")),
		bad("mp3 64 kHz", concatWith("f_mp3,acodec_mp3,ar_64000"), "parameter ar: value 64000"),
		ok("opus 24 kHz", concatWith("f_opus,acodec_opus,ar_24000")),
		bad("opus 44.1 kHz", concatWith("f_opus,acodec_opus,ar_44100"), "parameter ar: value 44100"),
		ok("ac3 32 kHz", concatWith("f_ac3,acodec_ac3,ar_32000")),
		bad("ac3 22.05 kHz", concatWith("f_ac3,acodec_ac3,ar_22050"), "parameter ar: value 22050"),
		ok("mp3 in flv 22.05 kHz", concatWith("f_flv,vcodec_h264,acodec_mp3,ar_22050")),
		bad("mp3 in flv 16 kHz", concatWith("f_flv,vcodec_h264,acodec_mp3,ar_16000"), "parameter ar: value 16000", "flv"),
		ok("mxf 48 kHz", concatWith("f_mxf,vcodec_h264,acodec_pcm,ar_48000")),
		bad("mxf 44.1 kHz", concatWith("f_mxf,vcodec_h264,acodec_pcm,ar_44100"), "parameter ar: value 44100", "mxf"),
		ok("aac 96 kHz", concatWith("f_mp4,vcodec_h264,acodec_aac,ar_96000")),
		// channels
		ok("mp3 stereo", concatWith("f_mp3,acodec_mp3,ac_2")),
		bad("mp3 3 channels", concatWith("f_mp3,acodec_mp3,ac_3"), "parameter ac: value 3 out of range [1, 2]"),
		ok("ac3 5.1", concatWith("f_ac3,acodec_ac3,ac_6")),
		bad("ac3 7 channels", concatWith("f_ac3,acodec_ac3,ac_7"), "parameter ac: value 7 out of range [1, 6]"),
		ok("aac 8 channels", concatWith("f_aac,acodec_aac,ac_8")),
	})
}

func TestSpriteRules(t *testing.T) {
	t.Parallel()
	runRules(t, []ruleCase{
		{name: "f missing", process: spriteWith("sw_100"), code: missingArg, frags: []string{"video/sprite", "parameter f"}},
		{name: "f gif", process: spriteWith("f_gif"), code: invalidArg, frags: []string{"parameter f: value gif"}},
		{name: "defaults", process: "video/sprite,f_png" + saveAs, check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, &Sprite{Format: PNG, Mode: ModeInter, WidthPct: 100, HeightPct: 100,
				ScaleType: Stretch, Columns: 6, Rows: 6, Pad: 2, Margin: 2}, p.Sprite)
		}},
		{name: "mode unknown", process: spriteWith("f_jpg,m_scene"), code: invalidArg, frags: []string{"parameter m: value scene"}},
		{name: "avg num absent is one sheet", process: spriteWith("f_jpg,m_avg,tw_4,th_5"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, 20, p.Sprite.Num)
		}},
		{name: "avg num explicit", process: spriteWith("f_jpg,m_avg,num_7"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, 7, p.Sprite.Num)
		}},
		{name: "avg num_0", process: spriteWith("f_jpg,m_avg,num_0"), code: invalidArg, frags: []string{"parameter num", "avg"}},
		{name: "inter num_0 means no limit", process: spriteWith("f_jpg,num_0"), check: func(t *testing.T, p *Pipeline) {
			require.Zero(t, p.Sprite.Num)
		}},
		{name: "thr kept in dhash", process: spriteWith("f_jpg,m_dhash,thr_20,inter_500"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, 20, p.Sprite.Threshold)
			require.Equal(t, int64(500), p.Sprite.Interval.Milliseconds())
		}},
		{name: "thr ignored outside dhash", process: spriteWith("f_jpg,thr_20"), check: func(t *testing.T, p *Pipeline) {
			require.Zero(t, p.Sprite.Threshold)
		}},
		{name: "inter ignored in key mode", process: spriteWith("f_jpg,m_key,inter_500"), check: func(t *testing.T, p *Pipeline) {
			require.Zero(t, p.Sprite.Interval)
		}},
		{name: "psw ignored with sw", process: spriteWith("f_jpg,sw_64,psw_50,psh_50"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, 64, p.Sprite.Width)
			require.Equal(t, 100, p.Sprite.WidthPct)
			require.Equal(t, 50, p.Sprite.HeightPct)
		}},
		{name: "psw still range-checked with sw", process: spriteWith("f_jpg,sw_64,psw_500"), code: invalidArg, frags: []string{"parameter psw: value 500"}},
		// 2·0 + 4·4096 + 3·0 = 16384
		{name: "sheet width at limit", process: spriteWith("f_jpg,sw_4096,sh_32,tw_4,pad_0,margin_0")},
		{name: "sheet width past limit", process: spriteWith("f_jpg,sw_4096,sh_32,tw_4,pad_0,margin_1"), code: invalidArg, frags: []string{"width 16386", "16384"}},
		// 2·2 + 10·1620 + 9·20 = 16384
		{name: "sheet height at limit", process: spriteWith("f_jpg,sw_32,sh_1620,th_10,pad_20,margin_2")},
		{name: "sheet height past limit", process: spriteWith("f_jpg,sw_32,sh_1621,th_10,pad_20,margin_2"), code: invalidArg, frags: []string{"height 16394"}},
		{name: "sheet unchecked without sw", process: spriteWith("f_jpg,psw_200,tw_100,th_100")},
		{name: "scaletype", process: spriteWith("f_jpg,scaletype_crop"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, Crop, p.Sprite.ScaleType)
		}},
		{name: "sprite has no segments", process: "video/sprite,f_jpg/pre,o_" + b64("a") + saveAs, code: invalidArg, frags: []string{"/pre"}},
	})
}

func TestSheetSide(t *testing.T) {
	t.Parallel()
	require.Equal(t, 3*200+2*0+0, SheetSide(3, 200, 0, 0))
	require.Equal(t, 2*5+10*64+9*4, SheetSide(10, 64, 4, 5))
}
