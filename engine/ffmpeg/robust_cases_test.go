package ffmpeg

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// rbMake is a clip made by the ffmpeg CLI with these arguments.
func rbMake(name string, args ...[]string) func(testing.TB) string {
	return func(t testing.TB) string { return inClip(t, name, rbArgs(args...)...) }
}

// rbOdd is a lavfi test pattern of an odd size (testsrc2 rounds sizes to
// even numbers, testsrc does not), 25 fps, 4:4:4 so H.264 can hold it.
func rbOdd(size, dur string) []string {
	return []string{"-f", "lavfi", "-i", "testsrc=s=" + size + ":r=25:d=" + dur + ",format=yuv444p"}
}

// rbCases lists the awkward inputs. Sizes are upright display sizes;
// cells follow from inter_500 on the video's length (4 at most).
func rbCases() []rbCase {
	return []rbCase{
		// Phones: rotation in the display matrix, B-frames and edit lists.
		{name: "rotate 90 h264", key: "rot90.mp4", w: 36, h: 64, cells: 2, topWhite: true,
			clip: func(t testing.TB) string {
				return rbRotated(t, "rb-rot90.mp4", 90, rbArgs(rbUpright(90), rbTone("48000", "1"), rbX264, rbAAC)...)
			}},
		{name: "rotate 180 hevc mono 44.1k", key: "rot180.mp4", w: 36, h: 64, cells: 2, topWhite: true,
			clip: func(t testing.TB) string {
				return rbRotated(t, "rb-rot180.mp4", 180, rbArgs(rbUpright(180), rbTone("44100", "1"), rbX265, rbAAC)...)
			}},
		{name: "rotate 270 h264 b-frames", key: "rot270.mp4", w: 36, h: 64, cells: 2, topWhite: true,
			clip: func(t testing.TB) string {
				return rbRotated(t, "rb-rot270.mp4", 270, rbArgs(rbUpright(270), rbTone("48000", "1"),
					[]string{"-c:v", "libx264", "-preset", "veryfast", "-bf", "3"}, rbAAC)...)
			}},
		{name: "iphone hdr portrait (hevc 10-bit hlg, b-frames, rotate 90)", key: "iphone.mp4", w: 36, h: 64, cells: 2, topWhite: true,
			clip: func(t testing.TB) string {
				return rbRotated(t, "rb-iphone.mp4", 90, rbArgs(rbUpright(90), rbTone("44100", "1"),
					[]string{"-vf", "format=yuv420p10le", "-color_primaries", "bt2020", "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc",
						"-c:v", "libx265", "-preset", "fast", "-x265-params", "log-level=error:bframes=3", "-tag:v", "hvc1"}, rbAAC)...)
			}},
		{name: "hdr10 hevc 5.1", frames: true, key: "hdr.mp4", w: 64, h: 36, cells: 2,
			clip: rbMake("rb-hdr.mp4", rbVideo("64x36", "30", "1"), rbTone("48000", "1"),
				[]string{"-vf", "format=yuv420p10le", "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"},
				rbX265, []string{"-af", "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0"}, rbAAC)},
		{name: "full range yuvj420p", key: "fullrange.mp4", w: 64, h: 48, cells: 2, gray: 32,
			clip: rbMake("rb-yuvj.mp4", []string{"-f", "lavfi", "-i", "color=c=0x202020:s=64x48:r=30:d=1"}, rbTone("48000", "1"),
				[]string{"-pix_fmt", "yuvj420p"}, rbX264, rbAAC)},
		{name: "vfr timescale 600", frames: true, key: "vfr600.mov", w: 80, h: 48, cells: 4,
			clip: rbMake("rb-vfr600.mov", []string{"-f", "lavfi", "-i", "testsrc2=s=80x48:r=25:d=2,setpts='(N*0.04+0.012*sin(N))/TB'"},
				rbTone("44100", "2"), []string{"-fps_mode", "vfr", "-video_track_timescale", "600"}, rbX264, rbAAC)},
		{name: "audio starts late (edit list)", frames: true, key: "latea.mp4", w: 64, h: 36, dur: 2, cells: 4,
			clip: rbMake("rb-latea.mp4", rbVideo("64x36", "25", "2"), []string{"-itsoffset", "0.5"}, rbTone("48000", "1.5"), rbX264, rbAAC)},
		{name: "video starts late (edit list)", key: "latev.mp4", w: 64, h: 36, dur: 1.5, cells: 3,
			clip: rbMake("rb-latev.mp4", []string{"-itsoffset", "0.5"}, rbVideo("64x36", "25", "1"), rbTone("48000", "1.5"), rbX264, rbAAC)},
		{name: "audio longer than video", frames: true, key: "longa.mp4", w: 64, h: 36, dur: 2, cells: 2,
			clip: rbMake("rb-longa.mp4", rbVideo("64x36", "25", "1"), rbTone("48000", "2"), rbX264, rbAAC)},
		{name: "audio shorter than video", frames: true, key: "shorta.mp4", w: 64, h: 36, dur: 2, cells: 4,
			clip: rbMake("rb-shorta.mp4", rbVideo("64x36", "25", "2"), rbTone("48000", "0.5"), rbX264, rbAAC)},
		{name: "trimmed copy with edit list", frames: true, key: "editlist.mp4", w: 64, h: 36, cells: 4,
			clip: func(t testing.TB) string {
				src := inClip(t, "rb-gop.mp4", rbArgs(rbVideo("64x36", "25", "2.4"), rbTone("48000", "2.4"),
					[]string{"-c:v", "libx264", "-preset", "veryfast", "-g", "50"}, rbAAC)...)
				return inClip(t, "rb-editlist.mp4", "-ss", "0.5", "-i", src, "-c", "copy")
			}},
		{name: "mpeg-2 ts starting at 10 s", frames: true, key: "offset.ts", w: 64, h: 48, cells: 3,
			clip: rbMake("rb-offset.ts", rbVideo("64x48", "25", "1.5"), rbTone("48000", "1.5"),
				[]string{"-c:v", "mpeg2video", "-c:a", "mp2", "-output_ts_offset", "10"})},

		{name: "ts timestamps wrapping (33-bit)", key: "wrap.ts", w: 64, h: 36, dur: 1.4, cells: 3,
			clip: rbMake("rb-wrap.ts", rbVideo("64x36", "25", "1.4"), rbTone("48000", "1.4"), rbX264, rbAAC,
				[]string{"-output_ts_offset", "95443"})},
		{name: "raw h264 elementary stream", key: "raw.h264", w: 64, h: 36, dur: 1, cells: 2,
			clip: rbMake("rb-raw.h264", rbVideo("64x36", "25", "1"), rbX264)},
		{name: "3 channels without a layout", key: "3c.mkv", w: 64, h: 36, cells: 2,
			clip: rbMake("rb-3c.mkv", rbVideo("64x36", "25", "1"), rbTone("48000", "1"),
				[]string{"-af", "pan=3c|c0=c0|c1=c0|c2=c0"}, rbX264, []string{"-c:a", "pcm_s16le"})},
		{name: "96k 7.1 flac", key: "71.mkv", w: 64, h: 36, cells: 2,
			clip: rbMake("rb-71.mkv", rbVideo("64x36", "25", "1"), rbTone("96000", "1"),
				[]string{"-af", "pan=7.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0|c7=c0"}, rbX264, []string{"-c:a", "flac"})},

		{name: "fragmented mp4", key: "frag.mp4", w: 64, h: 36, cells: 4,
			clip: rbMake("rb-frag.mp4", rbVideo("64x36", "25", "2"), rbTone("48000", "2"), rbX264, []string{"-g", "25"}, rbAAC,
				[]string{"-movflags", "+frag_keyframe+empty_moov+default_base_moof"})},
		{name: "fragmented mp4 cut short (a crashed recorder)", key: "fragcut.mp4", w: 64, h: 36, cells: 4,
			clip: func(t testing.TB) string {
				p := inClip(t, "rb-frag4.mp4", rbArgs(rbVideo("64x36", "25", "4"), rbTone("48000", "4"), rbX264, []string{"-g", "25"}, rbAAC,
					[]string{"-movflags", "+frag_keyframe+empty_moov+default_base_moof"})...)
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				return rbWrite(t, "fragcut.mp4", b[:len(b)*45/100])
			}},

		// Other containers and codecs.
		{name: "mjpeg avi pcm", frames: true, key: "mjpeg.avi", w: 64, h: 48, cells: 2,
			clip: rbMake("rb-mjpeg.avi", rbVideo("64x48", "25", "1"), rbTone("44100", "1"), []string{"-c:v", "mjpeg", "-c:a", "pcm_s16le"})},
		{name: "prores mov with timecode track", key: "prores.mov", w: 64, h: 48, frames: true, cells: 2,
			clip: rbMake("rb-prores.mov", rbVideo("64x48", "24", "1"), rbTone("48000", "1"),
				[]string{"-c:v", "prores_ks", "-c:a", "pcm_s24le", "-timecode", "01:00:00:00"})},
		{name: "mp3 audio only 22.05k mono", key: "voice.mp3", w: 1280, h: 720, audioOnly: true, sprite: rbInvalid,
			clip: rbMake("rb-voice.mp3", rbTone("22050", "1.5"), []string{"-ac", "1", "-c:a", "libmp3lame"})},
		{name: "mp3 with cover art", key: "cover.mp3", w: 1280, h: 720, audioOnly: true, sprite: rbInvalid,
			clip: func(t testing.TB) string {
				cover := inClip(t, "rb-cover.png", rbArgs(rbVideo("40x30", "1", "1"), []string{"-frames:v", "1"})...)
				return inClip(t, "rb-cover.mp3", rbArgs(rbTone("44100", "1.5"), []string{"-i", cover, "-map", "0:a", "-map", "1:v",
					"-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic"})...)
			}},
		{name: "opus webm audio only", key: "voice.webm", w: 1280, h: 720, audioOnly: true, sprite: rbInvalid,
			clip: rbMake("rb-voice.webm", rbTone("48000", "1.2"), []string{"-c:a", "libopus"})},
		{name: "3gp h263 (old phone, 12:11 in the bitstream, square in the container)", key: "old.3gp", w: 176, h: 144, cells: 2, frames: true,
			clip: rbMake("rb-old.3gp", rbVideo("176x144", "15", "1"), rbTone("8000", "1"), []string{"-c:v", "h263", "-ac", "1"}, rbAAC)},
		{name: "mpeg-4 part 2 avi with b-frames", key: "divx.avi", w: 64, h: 48, cells: 3, // AVI's dts-only timestamps put frame 0 at 40 ms, the last at 1 s
			clip: rbMake("rb-divx.avi", rbVideo("64x48", "25", "1"), rbTone("44100", "1"), []string{"-c:v", "mpeg4", "-bf", "2", "-c:a", "libmp3lame"})},
		{name: "interlaced h264 ts", key: "tff.ts", w: 64, h: 48, cells: 2,
			clip: rbMake("rb-tff.ts", rbVideo("64x48", "25", "1"), rbTone("48000", "1"),
				[]string{"-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme", "-x264-params", "tff=1"}, []string{"-c:a", "mp2"})},
		{name: "120 fps", key: "fast.mp4", w: 64, h: 36, cells: 2,
			clip: rbMake("rb-120.mp4", rbVideo("64x36", "120", "1"), rbTone("48000", "1"), rbX264, rbAAC)},
		{name: "2 fps slideshow", key: "slow.mp4", w: 64, h: 36, cells: 4, frames: true,
			clip: rbMake("rb-2fps.mp4", rbVideo("64x36", "2", "2"), rbTone("48000", "2"), rbX264, rbAAC)},
		{name: "webm vp8 vorbis", frames: true, key: "vp8.webm", w: 64, h: 48, cells: 2,
			clip: rbMake("rb-vp8.webm", rbVideo("64x48", "25", "1"), rbTone("44100", "1"), []string{"-c:v", "libvpx", "-c:a", "libvorbis"})},
		{name: "animated gif", frames: true, key: "anim.gif", w: 48, h: 32, dur: 1, cells: 2,
			clip: rbMake("rb-anim.gif", rbVideo("48x32", "10", "1"))},
		{name: "animated png", key: "anim.apng", w: 40, h: 30, dur: 1, cells: 2,
			clip: rbMake("rb-anim.apng", rbVideo("40x30", "10", "1"), []string{"-plays", "0", "-f", "apng"})},
		{name: "animated webp (no decoder in FFmpeg 5.1)", key: "anim.webp", concat: rbInvalid, sprite: rbInvalid,
			clip: rbMake("rb-anim.webp", rbVideo("40x30", "10", "1"), []string{"-c:v", "libwebp", "-loop", "0"})},
		{name: "single png", key: "still.png", w: 40, h: 30, dur: 0.04, cells: 1, avgCells: 1,
			clip: rbMake("rb-still.png", rbVideo("40x30", "1", "1"), []string{"-frames:v", "1"})},
		{name: "single jpeg", key: "still.jpg", w: 40, h: 30, dur: 0.04, cells: 1, avgCells: 1,
			clip: rbMake("rb-still.jpg", rbVideo("40x30", "1", "1"), []string{"-frames:v", "1"})},

		{name: "anamorphic 4:3 pixels", key: "anamorphic.mp4", w: 85, h: 48, cells: 2,
			clip: rbMake("rb-anamorphic.mp4", rbVideo("64x48", "25", "1"), rbTone("48000", "1"), []string{"-vf", "setsar=4/3"}, rbX264, rbAAC)},
		{name: "anamorphic dv pal", key: "dv.avi", w: 768, h: 576, cells: 2,
			clip: rbMake("rb-dv.avi", rbVideo("720x576", "25", "1"), rbTone("48000", "1"),
				[]string{"-vf", "setsar=16/15", "-c:v", "dvvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le"})},

		// Formats that change midway.
		{name: "vp8 webm changing resolution", key: "switch.webm", w: 64, h: 48, dur: 2, cells: 4,
			clip: rbJoined("rb-switch.webm",
				rbArgs(rbVideo("64x48", "25", "1"), rbTone("48000", "1"), []string{"-c:v", "libvpx", "-c:a", "libvorbis"}),
				rbArgs(rbVideo("96x54", "25", "1"), rbTone("48000", "1"), []string{"-c:v", "libvpx", "-c:a", "libvorbis"}))},
		{name: "ts changing audio rate", key: "switch.ts", w: 64, h: 36, dur: 2, cells: 4,
			clip: rbCatTS("rb-switch.ts",
				rbArgs(rbVideo("64x36", "25", "1"), rbTone("44100", "1"), rbX264, rbAAC),
				rbArgs(rbVideo("64x36", "25", "1"), rbTone("48000", "1"), []string{"-ac", "2"}, rbX264, rbAAC,
					[]string{"-output_ts_offset", "1"}))},
		{name: "undecodable first video track", key: "twocodec.mkv", w: 48, h: 32, cells: 2, clip: rbUndecodableFirst},
		{name: "two video tracks", key: "twovideo.mp4", w: 64, h: 36, cells: 2,
			clip: rbMake("rb-twovideo.mp4", rbVideo("64x36", "25", "1"), rbVideo("32x18", "25", "1"), rbTone("48000", "1"),
				[]string{"-map", "0:v", "-map", "1:v", "-map", "2:a"}, rbX264, rbAAC)},

		// Odd sizes and very short clips.
		{name: "17x9", key: "17x9.mp4", w: 17, h: 9, cells: 2,
			clip: rbMake("rb-17x9.mp4", rbOdd("17x9", "1"), rbTone("48000", "1"), rbX264, rbAAC)},
		{name: "4095x33", key: "wide.mp4", w: 4095, h: 33, cells: 1,
			clip: rbMake("rb-wide.mp4", rbOdd("4095x33", "0.4"), rbX264)},
		{name: "1x1", key: "dot.mp4", w: 1, h: 1, cells: 2,
			clip: rbMake("rb-dot.mp4", rbOdd("1x1", "1"), rbX264)},
		{name: "one frame", key: "one.mp4", w: 64, h: 36, cells: 1, avgCells: 1,
			clip: rbMake("rb-one.mp4", rbVideo("64x36", "25", "1"), []string{"-frames:v", "1"}, rbX264)},
		{name: "three frames with audio", key: "three.mp4", w: 64, h: 36, cells: 1,
			clip: rbMake("rb-three.mp4", rbVideo("64x36", "25", "0.12"), rbTone("48000", "0.12"), rbX264, rbAAC)},

		// Nothing to show.
		{name: "subtitles only", key: "subs.mkv", concat: rbInvalid, sprite: rbInvalid, clip: rbSubtitlesOnly},
		{name: "mov_text only", key: "subs.mp4", concat: rbInvalid, sprite: rbInvalid,
			clip: func(t testing.TB) string {
				return inClip(t, "rb-subs.mp4", "-i", rbSubtitlesOnly(t), "-c:s", "mov_text")
			}},

		// Damaged and hostile files.
		{name: "zero bytes", key: "zero.mp4", concat: rbInvalid, sprite: rbInvalid,
			clip: func(t testing.TB) string { return rbWrite(t, "zero.mp4", nil) }},
		{name: "cut mid-moov", key: "cutmoov.mp4", concat: rbInvalid, sprite: rbInvalid, clip: rbCutMoov},
		{name: "cut mid-mdat", key: "cutmdat.mp4", concat: rbInvalid, sprite: rbInvalid, clip: rbCutMdat},
		{name: "index bytes flipped", key: "badmoov.mp4", concat: rbOKorFail, sprite: rbOKorFail, w: 160, h: 90, clip: rbFlippedMoov},
		{name: "mkv cut in half", key: "cut.mkv", concat: rbInvalid, sprite: rbInvalid,
			clip: func(t testing.TB) string { return rbCut(t, "cut.mkv", "rb-whole.mkv") }},
		{name: "ts cut short", key: "cut.ts", w: 160, h: 90, cells: 4,
			clip: func(t testing.TB) string { return rbCut(t, "cut.ts", "rb-whole.ts") }},
		{name: "bytes flipped", key: "flipped.mp4", concat: rbOKorFail, sprite: rbOKorFail, w: 160, h: 90, clip: rbFlipped},
		{name: "huge y4m", key: "huge.y4m", concat: rbInvalid, sprite: rbInvalid, spriteCode: osserr.InvalidArgument, clip: rbHugeY4M},
		{name: "huge png", key: "huge.png", concat: rbInvalid, sprite: rbInvalid, clip: rbHugePNG},
	}
}
