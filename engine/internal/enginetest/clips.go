package enginetest

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// The awkward inputs of the robustness tests: what phones, cameras,
// editors and broken uploads produce. Each is made once per machine with
// the ffmpeg CLI through Clip's cache (small: ≤ 2 s, tiny pictures);
// damaged ones are derived from good ones in Go.

// rbVideo is a lavfi test pattern input of the given size, rate and length.
func rbVideo(size, rate, dur string) []string {
	return []string{"-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=" + rate + ":d=" + dur}
}

// rbTone is a lavfi sine input.
func rbTone(rate, dur string) []string {
	return []string{"-f", "lavfi", "-i", "sine=f=440:r=" + rate + ":d=" + dur}
}

func rbArgs(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	rbX264 = []string{"-c:v", "libx264", "-preset", "ultrafast"}
	rbX265 = []string{"-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1"}
	rbAAC  = []string{"-c:a", "aac", "-b:a", "64k"}
)

// rbUpright is a 36×64 portrait picture, white on top and black below,
// stored turned so that a display rotation of deg (clockwise) makes it
// upright again; stored 64×36 for 90 and 270.
func rbUpright(deg int) []string {
	turn := map[int]string{90: ",transpose=cclock", 180: ",hflip,vflip", 270: ",transpose=clock"}[deg]
	return []string{"-f", "lavfi", "-i", "color=black:s=36x64:r=25:d=1,drawbox=x=0:y=0:w=36:h=32:color=white:t=fill" + turn}
}

// rbRotated makes an MP4 whose first track (the video) carries a display
// matrix rotating it deg clockwise. FFmpeg 5.1's CLI cannot write one, so
// the tkhd matrix is patched as testdata/videos/gen.sh does.
func rbRotated(t testing.TB, name string, deg int, args ...string) string {
	t.Helper()
	src := Clip(t, name, args...)
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	off := rbIndex(b, "tkhd")
	require.Positive(t, off)
	one, neg := uint32(0x00010000), uint32(0xffff0000)
	m := map[int][4]uint32{90: {0, one, neg, 0}, 180: {neg, 0, 0, neg}, 270: {0, neg, one, 0}}[deg]
	mat := b[off+44 : off+80]
	binary.BigEndian.PutUint32(mat[0:], m[0])
	binary.BigEndian.PutUint32(mat[4:], m[1])
	binary.BigEndian.PutUint32(mat[12:], m[2])
	binary.BigEndian.PutUint32(mat[16:], m[3])
	binary.BigEndian.PutUint32(mat[32:], 0x40000000)
	return rbWrite(t, name, b)
}

// rbIndex is the offset of the first occurrence of s in b, or -1.
func rbIndex(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return i
		}
	}
	return -1
}

// rbWrite stores derived bytes in the test's temp dir.
func rbWrite(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// rbFastStart is a 4 s 160×90 MP4 with its index first, the base of the
// damaged files.
func rbFastStart(t testing.TB) []byte {
	t.Helper()
	p := Clip(t, "rb-fast.mp4", rbArgs(rbVideo("160x90", "25", "4"), rbTone("48000", "4"), rbX264, rbAAC,
		[]string{"-movflags", "+faststart"})...)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// rbCutMoov cuts a faststart MP4 in the middle of its index.
func rbCutMoov(t testing.TB) string {
	b := rbFastStart(t)
	moov := rbIndex(b, "moov") - 4
	size := int(binary.BigEndian.Uint32(b[moov:]))
	return rbWrite(t, "cutmoov.mp4", b[:moov+size/2])
}

// rbCutMdat cuts a faststart MP4 halfway into its media data: the index
// promises 2 s of frames that are not there.
func rbCutMdat(t testing.TB) string {
	b := rbFastStart(t)
	mdat := rbIndex(b, "mdat")
	return rbWrite(t, "cutmdat.mp4", b[:mdat+(len(b)-mdat)/2])
}

// rbFlipped flips one byte in every 50 of the media data (the index
// intact), as a bad disk or a lossy transfer would.
func rbFlipped(t testing.TB) string {
	b := append([]byte(nil), rbFastStart(t)...)
	for i := rbIndex(b, "mdat") + 200; i < len(b); i += 50 {
		b[i] ^= 0x5a
	}
	return rbWrite(t, "flipped.mp4", b)
}

// HugeY4M declares a 16000×16000 raw video (just under libav's own
// picture size limit, 256 MB a frame) and holds 4 KB.
func HugeY4M(t testing.TB) string {
	b := append([]byte("YUV4MPEG2 W16000 H16000 F25:1 Ip A1:1 Cmono\nFRAME\n"), make([]byte, 4096)...)
	return rbWrite(t, "huge.y4m", b)
}

// rbHugePNG is a PNG whose header (valid CRC) declares 65535×65535 pixels
// and whose data is tiny.
func rbHugePNG(t testing.TB) string {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, 65535)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 65535)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, chunk("IHDR", ihdr)...)
	b = append(b, chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	b = append(b, chunk("IEND", nil)...)
	return rbWrite(t, "huge.png", b)
}

// rbSubtitlesOnly is a Matroska file holding only a subtitle track.
func rbSubtitlesOnly(t testing.TB) string {
	srt := filepath.Join(os.TempDir(), "ossemu-test-clips", "rb-subs.srt")
	require.NoError(t, os.MkdirAll(filepath.Dir(srt), 0o755))
	require.NoError(t, os.WriteFile(srt, []byte("1\n00:00:00,000 --> 00:00:01,000\nhello\n\n2\n00:00:01,000 --> 00:00:02,000\nworld\n"), 0o644))
	return Clip(t, "rb-subs.mkv", "-i", srt, "-c:s", "srt")
}

// rbFlippedMoov flips one byte in every 40 of a faststart MP4's index
// (sample tables, codec configuration), past its header.
func rbFlippedMoov(t testing.TB) string {
	b := append([]byte(nil), rbFastStart(t)...)
	moov := rbIndex(b, "moov")
	for i := moov + 120; i < rbIndex(b, "mdat"); i += 40 {
		b[i] ^= 0xa5
	}
	return rbWrite(t, "badmoov.mp4", b)
}

// rbCut makes a 4 s clip in the container of name and keeps its first 40 %
// (about 1.6 s). Matroska records its duration up front, so the cut is
// detectable; MPEG-TS does not, so a cut TS is just a shorter clip.
func rbCut(t testing.TB, name, whole string) string {
	p := Clip(t, whole, rbArgs(rbVideo("160x90", "25", "4"), rbTone("48000", "4"), rbX264, rbAAC)...)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return rbWrite(t, name, b[:len(b)*4/10])
}

// rbJoined stream-copies clips made from each argument list into one file
// with the concat demuxer, so the format changes midway (a WebRTC
// recording's resolution switch, a broadcast's audio rate switch).
func rbJoined(name string, parts ...[]string) func(testing.TB) string {
	return func(t testing.TB) string {
		list := ""
		for i, p := range parts {
			list += "file '" + Clip(t, strconv.Itoa(i)+"-"+name, p...) + "'\n"
		}
		path := filepath.Join(os.TempDir(), "ossemu-test-clips", name+".txt")
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(list), 0o644))
		return Clip(t, name, "-f", "concat", "-safe", "0", "-i", path, "-c", "copy")
	}
}

// rbCatTS makes MPEG-TS parts and joins their bytes, as broadcast and HLS
// splicing do; each part's clock continues the previous one's (offset).
func rbCatTS(name string, parts ...[]string) func(testing.TB) string {
	return func(t testing.TB) string {
		var b []byte
		for i, p := range parts {
			part, err := os.ReadFile(Clip(t, strconv.Itoa(i)+"-"+name, p...))
			require.NoError(t, err)
			b = append(b, part...)
		}
		return rbWrite(t, name, b)
	}
}

// rbUndecodableFirst is a Matroska file whose first video track is in a
// codec no decoder knows (its codec id renamed) and whose second, 48×32,
// is ordinary H.264.
func rbUndecodableFirst(t testing.TB) string {
	p := Clip(t, "rb-twocodec.mkv", rbArgs(rbVideo("64x36", "25", "1"), rbVideo("48x32", "25", "1"), rbTone("48000", "1"),
		[]string{"-map", "0:v", "-map", "1:v", "-map", "2:a"}, rbX264, rbAAC)...)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b = append([]byte(nil), b...)
	i := rbIndex(b, "V_MPEG4/ISO/AVC")
	require.Positive(t, i)
	copy(b[i:], "V_XXXXX/ISO/AVC")
	return rbWrite(t, "twocodec.mkv", b)
}
