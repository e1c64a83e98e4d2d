package enginetest

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// Outcome is what an input must lead to.
type Outcome int

// Outcomes.
const (
	OK       Outcome = iota // success with checked properties
	Invalid                 // a clean InvalidMedia naming the object
	OKorFail                // either (damaged data libav may or may not get through)
)

// Case is one awkward input and what both engines must make of it.
type Case struct {
	Name string
	Key  string // object key; some demuxers want the extension
	Clip func(t testing.TB) string

	Concat, Sprite Outcome
	W, H           int     // upright display size of the source
	Dur            float64 // expected length in s; 0: ffprobe's duration of the input
	Cells          int     // sprite cells for inter_500 on a 4×1 sheet
	Frames         bool    // sprite cells must match the CLI's frames at 0, 0.5 s, …
	TopWhite       bool    // upright picture is white on top, black below
	Gray           int     // the picture is flat gray at this full-range level
	SpriteCode     osserr.Code
	AudioOnly      bool // no video: concat makes 1280×720 black (alone)
	AvgCells       int  // sprite cells for m_avg,num_3 (0: 3)
}

// CaseByKey returns the robustness case of that key.
func CaseByKey(t testing.TB, key string) Case {
	for _, tc := range Cases() {
		if tc.Key == key {
			return tc
		}
	}
	t.Fatalf("no robustness case %s", key)
	return Case{}
}

// rbMake is a clip made by the ffmpeg CLI with these arguments.
func rbMake(name string, args ...[]string) func(testing.TB) string {
	return func(t testing.TB) string { return Clip(t, name, rbArgs(args...)...) }
}

// rbOdd is a lavfi test pattern of an odd size (testsrc2 rounds sizes to
// even numbers, testsrc does not), 25 fps, 4:4:4 so H.264 can hold it.
func rbOdd(size, dur string) []string {
	return []string{"-f", "lavfi", "-i", "testsrc=s=" + size + ":r=25:d=" + dur + ",format=yuv444p"}
}

// Cases lists the awkward inputs. Sizes are upright display sizes;
// cells follow from inter_500 on the video's length (4 at most).
func Cases() []Case {
	return []Case{
		// Phones: rotation in the display matrix, B-frames and edit lists.
		{Name: "rotate 90 h264", Key: "rot90.mp4", W: 36, H: 64, Cells: 2, TopWhite: true,
			Clip: func(t testing.TB) string {
				return rbRotated(t, "rb-rot90.mp4", 90, rbArgs(rbUpright(90), rbTone("48000", "1"), rbX264, rbAAC)...)
			}},
		{Name: "rotate 180 hevc mono 44.1k", Key: "rot180.mp4", W: 36, H: 64, Cells: 2, TopWhite: true,
			Clip: func(t testing.TB) string {
				return rbRotated(t, "rb-rot180.mp4", 180, rbArgs(rbUpright(180), rbTone("44100", "1"), rbX265, rbAAC)...)
			}},
		{Name: "rotate 270 h264 b-frames", Key: "rot270.mp4", W: 36, H: 64, Cells: 2, TopWhite: true,
			Clip: func(t testing.TB) string {
				return rbRotated(t, "rb-rot270.mp4", 270, rbArgs(rbUpright(270), rbTone("48000", "1"),
					[]string{"-c:v", "libx264", "-preset", "veryfast", "-bf", "3"}, rbAAC)...)
			}},
		{Name: "iphone hdr portrait (hevc 10-bit hlg, b-frames, rotate 90)", Key: "iphone.mp4", W: 36, H: 64, Cells: 2, TopWhite: true,
			Clip: func(t testing.TB) string {
				return rbRotated(t, "rb-iphone.mp4", 90, rbArgs(rbUpright(90), rbTone("44100", "1"),
					[]string{"-vf", "format=yuv420p10le", "-color_primaries", "bt2020", "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc",
						"-c:v", "libx265", "-preset", "fast", "-x265-params", "log-level=error:bframes=3", "-tag:v", "hvc1"}, rbAAC)...)
			}},
		{Name: "hdr10 hevc 5.1", Frames: true, Key: "hdr.mp4", W: 64, H: 36, Cells: 2,
			Clip: rbMake("rb-hdr.mp4", rbVideo("64x36", "30", "1"), rbTone("48000", "1"),
				[]string{"-vf", "format=yuv420p10le", "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"},
				rbX265, []string{"-af", "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0"}, rbAAC)},
		{Name: "full range yuvj420p", Key: "fullrange.mp4", W: 64, H: 48, Cells: 2, Gray: 32,
			Clip: rbMake("rb-yuvj.mp4", []string{"-f", "lavfi", "-i", "color=c=0x202020:s=64x48:r=30:d=1"}, rbTone("48000", "1"),
				[]string{"-pix_fmt", "yuvj420p"}, rbX264, rbAAC)},
		{Name: "vfr timescale 600", Frames: true, Key: "vfr600.mov", W: 80, H: 48, Cells: 4,
			Clip: rbMake("rb-vfr600.mov", []string{"-f", "lavfi", "-i", "testsrc2=s=80x48:r=25:d=2,setpts='(N*0.04+0.012*sin(N))/TB'"},
				rbTone("44100", "2"), []string{"-fps_mode", "vfr", "-video_track_timescale", "600"}, rbX264, rbAAC)},
		{Name: "audio starts late (edit list)", Frames: true, Key: "latea.mp4", W: 64, H: 36, Dur: 2, Cells: 4,
			Clip: rbMake("rb-latea.mp4", rbVideo("64x36", "25", "2"), []string{"-itsoffset", "0.5"}, rbTone("48000", "1.5"), rbX264, rbAAC)},
		{Name: "video starts late (edit list)", Key: "latev.mp4", W: 64, H: 36, Dur: 1.5, Cells: 3,
			Clip: rbMake("rb-latev.mp4", []string{"-itsoffset", "0.5"}, rbVideo("64x36", "25", "1"), rbTone("48000", "1.5"), rbX264, rbAAC)},
		{Name: "audio longer than video", Frames: true, Key: "longa.mp4", W: 64, H: 36, Dur: 2, Cells: 2,
			Clip: rbMake("rb-longa.mp4", rbVideo("64x36", "25", "1"), rbTone("48000", "2"), rbX264, rbAAC)},
		{Name: "audio shorter than video", Frames: true, Key: "shorta.mp4", W: 64, H: 36, Dur: 2, Cells: 4,
			Clip: rbMake("rb-shorta.mp4", rbVideo("64x36", "25", "2"), rbTone("48000", "0.5"), rbX264, rbAAC)},
		{Name: "trimmed copy with edit list", Frames: true, Key: "editlist.mp4", W: 64, H: 36, Cells: 4,
			Clip: func(t testing.TB) string {
				src := Clip(t, "rb-gop.mp4", rbArgs(rbVideo("64x36", "25", "2.4"), rbTone("48000", "2.4"),
					[]string{"-c:v", "libx264", "-preset", "veryfast", "-g", "50"}, rbAAC)...)
				return Clip(t, "rb-editlist.mp4", "-ss", "0.5", "-i", src, "-c", "copy")
			}},
		{Name: "mpeg-2 ts starting at 10 s", Frames: true, Key: "offset.ts", W: 64, H: 48, Cells: 3,
			Clip: rbMake("rb-offset.ts", rbVideo("64x48", "25", "1.5"), rbTone("48000", "1.5"),
				[]string{"-c:v", "mpeg2video", "-c:a", "mp2", "-output_ts_offset", "10"})},

		{Name: "ts timestamps wrapping (33-bit)", Key: "wrap.ts", W: 64, H: 36, Dur: 1.4, Cells: 3,
			Clip: rbMake("rb-wrap.ts", rbVideo("64x36", "25", "1.4"), rbTone("48000", "1.4"), rbX264, rbAAC,
				[]string{"-output_ts_offset", "95443"})},
		{Name: "raw h264 elementary stream", Key: "raw.h264", W: 64, H: 36, Dur: 1, Cells: 2,
			Clip: rbMake("rb-raw.h264", rbVideo("64x36", "25", "1"), rbX264)},
		{Name: "3 channels without a layout", Key: "3c.mkv", W: 64, H: 36, Cells: 2,
			Clip: rbMake("rb-3c.mkv", rbVideo("64x36", "25", "1"), rbTone("48000", "1"),
				[]string{"-af", "pan=3c|c0=c0|c1=c0|c2=c0"}, rbX264, []string{"-c:a", "pcm_s16le"})},
		{Name: "96k 7.1 flac", Key: "71.mkv", W: 64, H: 36, Cells: 2,
			Clip: rbMake("rb-71.mkv", rbVideo("64x36", "25", "1"), rbTone("96000", "1"),
				[]string{"-af", "pan=7.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0|c7=c0"}, rbX264, []string{"-c:a", "flac"})},

		{Name: "fragmented mp4", Key: "frag.mp4", W: 64, H: 36, Cells: 4,
			Clip: rbMake("rb-frag.mp4", rbVideo("64x36", "25", "2"), rbTone("48000", "2"), rbX264, []string{"-g", "25"}, rbAAC,
				[]string{"-movflags", "+frag_keyframe+empty_moov+default_base_moof"})},
		{Name: "fragmented mp4 cut short (a crashed recorder)", Key: "fragcut.mp4", W: 64, H: 36, Cells: 4,
			Clip: func(t testing.TB) string {
				p := Clip(t, "rb-frag4.mp4", rbArgs(rbVideo("64x36", "25", "4"), rbTone("48000", "4"), rbX264, []string{"-g", "25"}, rbAAC,
					[]string{"-movflags", "+frag_keyframe+empty_moov+default_base_moof"})...)
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				return rbWrite(t, "fragcut.mp4", b[:len(b)*45/100])
			}},

		// Other containers and codecs.
		{Name: "mjpeg avi pcm", Frames: true, Key: "mjpeg.avi", W: 64, H: 48, Cells: 2,
			Clip: rbMake("rb-mjpeg.avi", rbVideo("64x48", "25", "1"), rbTone("44100", "1"), []string{"-c:v", "mjpeg", "-c:a", "pcm_s16le"})},
		{Name: "prores mov with timecode track", Key: "prores.mov", W: 64, H: 48, Frames: true, Cells: 2,
			Clip: rbMake("rb-prores.mov", rbVideo("64x48", "24", "1"), rbTone("48000", "1"),
				[]string{"-c:v", "prores_ks", "-c:a", "pcm_s24le", "-timecode", "01:00:00:00"})},
		{Name: "mp3 audio only 22.05k mono", Key: "voice.mp3", W: 1280, H: 720, AudioOnly: true, Sprite: Invalid,
			Clip: rbMake("rb-voice.mp3", rbTone("22050", "1.5"), []string{"-ac", "1", "-c:a", "libmp3lame"})},
		{Name: "mp3 with cover art", Key: "cover.mp3", W: 1280, H: 720, AudioOnly: true, Sprite: Invalid,
			Clip: func(t testing.TB) string {
				cover := Clip(t, "rb-cover.png", rbArgs(rbVideo("40x30", "1", "1"), []string{"-frames:v", "1"})...)
				return Clip(t, "rb-cover.mp3", rbArgs(rbTone("44100", "1.5"), []string{"-i", cover, "-map", "0:a", "-map", "1:v",
					"-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic"})...)
			}},
		{Name: "opus webm audio only", Key: "voice.webm", W: 1280, H: 720, AudioOnly: true, Sprite: Invalid,
			Clip: rbMake("rb-voice.webm", rbTone("48000", "1.2"), []string{"-c:a", "libopus"})},
		{Name: "3gp h263 (old phone, 12:11 in the bitstream, square in the container)", Key: "old.3gp", W: 176, H: 144, Cells: 2, Frames: true,
			Clip: rbMake("rb-old.3gp", rbVideo("176x144", "15", "1"), rbTone("8000", "1"), []string{"-c:v", "h263", "-ac", "1"}, rbAAC)},
		{Name: "mpeg-4 part 2 avi with b-frames", Key: "divx.avi", W: 64, H: 48, Cells: 3, // AVI's dts-only timestamps put frame 0 at 40 ms, the last at 1 s
			Clip: rbMake("rb-divx.avi", rbVideo("64x48", "25", "1"), rbTone("44100", "1"), []string{"-c:v", "mpeg4", "-bf", "2", "-c:a", "libmp3lame"})},
		{Name: "interlaced h264 ts", Key: "tff.ts", W: 64, H: 48, Cells: 2,
			Clip: rbMake("rb-tff.ts", rbVideo("64x48", "25", "1"), rbTone("48000", "1"),
				[]string{"-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme", "-x264-params", "tff=1"}, []string{"-c:a", "mp2"})},
		{Name: "120 fps", Key: "fast.mp4", W: 64, H: 36, Cells: 2,
			Clip: rbMake("rb-120.mp4", rbVideo("64x36", "120", "1"), rbTone("48000", "1"), rbX264, rbAAC)},
		{Name: "2 fps slideshow", Key: "slow.mp4", W: 64, H: 36, Cells: 4, Frames: true,
			Clip: rbMake("rb-2fps.mp4", rbVideo("64x36", "2", "2"), rbTone("48000", "2"), rbX264, rbAAC)},
		{Name: "webm vp8 vorbis", Frames: true, Key: "vp8.webm", W: 64, H: 48, Cells: 2,
			Clip: rbMake("rb-vp8.webm", rbVideo("64x48", "25", "1"), rbTone("44100", "1"), []string{"-c:v", "libvpx", "-c:a", "libvorbis"})},
		{Name: "animated gif", Frames: true, Key: "anim.gif", W: 48, H: 32, Dur: 1, Cells: 2,
			Clip: rbMake("rb-anim.gif", rbVideo("48x32", "10", "1"))},
		{Name: "animated png", Key: "anim.apng", W: 40, H: 30, Dur: 1, Cells: 2,
			Clip: rbMake("rb-anim.apng", rbVideo("40x30", "10", "1"), []string{"-plays", "0", "-f", "apng"})},
		{Name: "animated webp (no decoder in FFmpeg 5.1)", Key: "anim.webp", Concat: Invalid, Sprite: Invalid,
			Clip: rbMake("rb-anim.webp", rbVideo("40x30", "10", "1"), []string{"-c:v", "libwebp", "-loop", "0"})},
		{Name: "single png", Key: "still.png", W: 40, H: 30, Dur: 0.04, Cells: 1, AvgCells: 1,
			Clip: rbMake("rb-still.png", rbVideo("40x30", "1", "1"), []string{"-frames:v", "1"})},
		{Name: "single jpeg", Key: "still.jpg", W: 40, H: 30, Dur: 0.04, Cells: 1, AvgCells: 1,
			Clip: rbMake("rb-still.jpg", rbVideo("40x30", "1", "1"), []string{"-frames:v", "1"})},

		{Name: "anamorphic 4:3 pixels", Key: "anamorphic.mp4", W: 85, H: 48, Cells: 2,
			Clip: rbMake("rb-anamorphic.mp4", rbVideo("64x48", "25", "1"), rbTone("48000", "1"), []string{"-vf", "setsar=4/3"}, rbX264, rbAAC)},
		{Name: "anamorphic dv pal", Key: "dv.avi", W: 768, H: 576, Cells: 2,
			Clip: rbMake("rb-dv.avi", rbVideo("720x576", "25", "1"), rbTone("48000", "1"),
				[]string{"-vf", "setsar=16/15", "-c:v", "dvvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le"})},

		// Formats that change midway.
		{Name: "vp8 webm changing resolution", Key: "switch.webm", W: 64, H: 48, Dur: 2, Cells: 4,
			Clip: rbJoined("rb-switch.webm",
				rbArgs(rbVideo("64x48", "25", "1"), rbTone("48000", "1"), []string{"-c:v", "libvpx", "-c:a", "libvorbis"}),
				rbArgs(rbVideo("96x54", "25", "1"), rbTone("48000", "1"), []string{"-c:v", "libvpx", "-c:a", "libvorbis"}))},
		{Name: "ts changing audio rate", Key: "switch.ts", W: 64, H: 36, Dur: 2, Cells: 4,
			Clip: rbCatTS("rb-switch.ts",
				rbArgs(rbVideo("64x36", "25", "1"), rbTone("44100", "1"), rbX264, rbAAC),
				rbArgs(rbVideo("64x36", "25", "1"), rbTone("48000", "1"), []string{"-ac", "2"}, rbX264, rbAAC,
					[]string{"-output_ts_offset", "1"}))},
		{Name: "undecodable first video track", Key: "twocodec.mkv", W: 48, H: 32, Cells: 2, Clip: rbUndecodableFirst},
		{Name: "two video tracks", Key: "twovideo.mp4", W: 64, H: 36, Cells: 2,
			Clip: rbMake("rb-twovideo.mp4", rbVideo("64x36", "25", "1"), rbVideo("32x18", "25", "1"), rbTone("48000", "1"),
				[]string{"-map", "0:v", "-map", "1:v", "-map", "2:a"}, rbX264, rbAAC)},

		// Odd sizes and very short clips.
		{Name: "17x9", Key: "17x9.mp4", W: 17, H: 9, Cells: 2,
			Clip: rbMake("rb-17x9.mp4", rbOdd("17x9", "1"), rbTone("48000", "1"), rbX264, rbAAC)},
		{Name: "4095x33", Key: "wide.mp4", W: 4095, H: 33, Cells: 1,
			Clip: rbMake("rb-wide.mp4", rbOdd("4095x33", "0.4"), rbX264)},
		{Name: "1x1", Key: "dot.mp4", W: 1, H: 1, Cells: 2,
			Clip: rbMake("rb-dot.mp4", rbOdd("1x1", "1"), rbX264)},
		{Name: "one frame", Key: "one.mp4", W: 64, H: 36, Cells: 1, AvgCells: 1,
			Clip: rbMake("rb-one.mp4", rbVideo("64x36", "25", "1"), []string{"-frames:v", "1"}, rbX264)},
		{Name: "three frames with audio", Key: "three.mp4", W: 64, H: 36, Cells: 1,
			Clip: rbMake("rb-three.mp4", rbVideo("64x36", "25", "0.12"), rbTone("48000", "0.12"), rbX264, rbAAC)},

		// Nothing to show.
		{Name: "subtitles only", Key: "subs.mkv", Concat: Invalid, Sprite: Invalid, Clip: rbSubtitlesOnly},
		{Name: "mov_text only", Key: "subs.mp4", Concat: Invalid, Sprite: Invalid,
			Clip: func(t testing.TB) string {
				return Clip(t, "rb-subs.mp4", "-i", rbSubtitlesOnly(t), "-c:s", "mov_text")
			}},

		// Damaged and hostile files.
		{Name: "zero bytes", Key: "zero.mp4", Concat: Invalid, Sprite: Invalid,
			Clip: func(t testing.TB) string { return rbWrite(t, "zero.mp4", nil) }},
		{Name: "cut mid-moov", Key: "cutmoov.mp4", Concat: Invalid, Sprite: Invalid, Clip: rbCutMoov},
		{Name: "cut mid-mdat", Key: "cutmdat.mp4", Concat: Invalid, Sprite: Invalid, Clip: rbCutMdat},
		{Name: "index bytes flipped", Key: "badmoov.mp4", Concat: OKorFail, Sprite: OKorFail, W: 160, H: 90, Clip: rbFlippedMoov},
		{Name: "mkv cut in half", Key: "cut.mkv", Concat: Invalid, Sprite: Invalid,
			Clip: func(t testing.TB) string { return rbCut(t, "cut.mkv", "rb-whole.mkv") }},
		{Name: "ts cut short", Key: "cut.ts", W: 160, H: 90, Cells: 4,
			Clip: func(t testing.TB) string { return rbCut(t, "cut.ts", "rb-whole.ts") }},
		{Name: "bytes flipped", Key: "flipped.mp4", Concat: OKorFail, Sprite: OKorFail, W: 160, H: 90, Clip: rbFlipped},
		{Name: "huge y4m", Key: "huge.y4m", Concat: Invalid, Sprite: Invalid, Clip: HugeY4M}, // over the pixel budget
		{Name: "huge png", Key: "huge.png", Concat: Invalid, Sprite: Invalid, Clip: rbHugePNG},
	}
}

// ScaledSize is a scale type and the size it gives a rotated clip.
type ScaledSize struct {
	ScaleType string
	W, H      int
}

// RotatedSizes are the scale types tried on the rotated clips, with the
// output (or cell) size each gives for s_64x64 (sw_64,sh_64): fit keeps the
// upright 36×64 clip's aspect.
func RotatedSizes() []ScaledSize {
	return []ScaledSize{{"stretch", 64, 64}, {"crop", 64, 64}, {"fill", 64, 64}, {"fit", 36, 64}}
}

// SeekClips are containers whose seeking is awkward (B-frames with an
// edit list, a TS whose clock starts late or wraps, VFR with an odd
// timescale, an index-less WebM cluster layout, all-keyframe MJPEG), by
// key, each with GOPs short enough that the sprite engine seeks.
func SeekClips() map[string]func(testing.TB) string {
	gop := []string{"-g", "5", "-keyint_min", "5", "-sc_threshold", "0"}
	return map[string]func(testing.TB) string{
		"editlist.mp4": func(t testing.TB) string {
			src := Clip(t, "rb-seek-src.mp4", rbArgs(rbVideo("64x36", "25", "4.5"), rbTone("48000", "4.5"),
				[]string{"-c:v", "libx264", "-preset", "veryfast", "-bf", "3"}, gop, rbAAC)...)
			return Clip(t, "rb-seek-editlist.mp4", "-ss", "0.3", "-i", src, "-c", "copy")
		},
		"offset.ts": rbMake("rb-seek-offset.ts", rbVideo("64x36", "25", "4"), rbTone("48000", "4"), rbX264, gop, rbAAC,
			[]string{"-output_ts_offset", "10"}),
		"wrap.ts": rbMake("rb-seek-wrap.ts", rbVideo("64x36", "25", "4"), rbTone("48000", "4"), rbX264, gop, rbAAC,
			[]string{"-output_ts_offset", "95442.5"}),
		"vfr.mkv": rbMake("rb-seek-vfr.mkv", []string{"-f", "lavfi", "-i", "testsrc2=s=64x36:r=25:d=4,setpts='(N*0.04+0.012*sin(N))/TB'"},
			[]string{"-fps_mode", "vfr"}, rbX264, gop),
		"vp8.webm":  rbMake("rb-seek-vp8.webm", rbVideo("64x36", "25", "4"), []string{"-c:v", "libvpx", "-g", "5"}),
		"mjpeg.avi": rbMake("rb-seek-mjpeg.avi", rbVideo("64x36", "25", "4"), []string{"-c:v", "mjpeg"}),
	}
}
