package parser_test

import (
	"bufio"
	"cmp"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// measured is what scripts/measure-compat.sh found FFmpeg 5.1 can write:
// each table maps its key columns, joined by "/", to "ok" or the error.
type measured map[string]map[string]string

func loadMeasured(t *testing.T) measured {
	t.Helper()
	m := measured{}
	for _, name := range []string{"streams", "video", "pixfmt", "size", "audio", "depth"} {
		f, err := os.Open(filepath.Join("testdata", "compat", name+".tsv"))
		require.NoError(t, err)
		rows := map[string]string{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
				cols := strings.Split(line, "\t")
				rows[strings.Join(cols[:len(cols)-1], "/")] = cols[len(cols)-1]
			}
		}
		require.NoError(t, sc.Err())
		require.NoError(t, f.Close())
		require.NotEmpty(t, rows, name)
		m[name] = rows
	}
	return m
}

// amrContainers are the containers engine/amr's TestCodecMuxes writes AMR
// into and decodes back (the CLI has no AMR encoder); MP4 only beside
// H.264 or no video, as 3GPP MP4.
var amrContainers = []string{"amr", "mkv", "mov", "asf", "avi", "mp4"}

// policy lists what ossemu refuses although FFmpeg 5.1 writes something:
// the document's exclusions, and codecs a single-codec container is not
// named for (FFmpeg's ac3 and opus muxers take other codecs and write
// files no player expects).
func policy(c testutil.ConcatCase) string {
	excluded := map[string][]string{ // seed 000's container notes
		"mp4": {"pcm"}, "mov": {"flac", "opus"}, "asf": {"opus"}, "avi": {"opus"},
		"ts": {"flac", "vorbis", "amr", "pcm"}, "flv": {"flac", "vorbis", "amr", "opus", "pcm"},
		"mxf": {"mp3", "vorbis", "aac", "flac", "ac3", "opus", "amr"},
	}
	for _, a := range excluded[c.Format] {
		if c.AudioCodec == a {
			return "the document excludes " + a + " from " + c.Format
		}
	}
	own := map[string][]string{
		"mp3": {"mp3"}, "aac": {"aac"}, "flac": {"flac"}, "ac3": {"ac3"}, "opus": {"opus"},
		"oga": {"vorbis", "flac", "opus"}, "amr": {"amr"},
	}
	if list, ok := own[c.Format]; ok && c.AudioCodec != "" && !slices.Contains(list, c.AudioCodec) {
		return c.Format + " files hold " + strings.Join(list, "/")
	}
	return ""
}

// expect is the measured verdict on a case: "" when FFmpeg writes it with
// the requested properties, else why not.
func (m measured) expect(c testutil.ConcatCase) string {
	if why := policy(c); why != "" {
		return why
	}
	v, a := cmp.Or(c.VideoCodec, "-"), cmp.Or(c.AudioCodec, "-")
	if a == "amr" {
		return expectAMR(m, c)
	}
	if r := m["streams"][c.Format+"/"+v+"/"+a]; r != "ok" {
		return "streams: " + cmp.Or(r, "not measured")
	}
	key := ""
	switch c.Axis {
	case "":
		return ""
	case "fps":
		key = "video/" + c.Format + "/" + v + "/" + c.Value
	case "pixfmt":
		key = "pixfmt/" + c.Format + "/" + v + "/" + c.Value
	case "s":
		key = "size/" + c.Format + "/" + v + "/" + c.Value
	case "ar":
		key = "audio/" + c.Format + "/" + a + "/" + c.Value + "/2"
	case "ac":
		key = "audio/" + c.Format + "/" + a + "/48000/" + c.Value
	case "adepth":
		key = "depth/" + c.Format + "/" + a + "/" + c.Value
	}
	table, rest, _ := strings.Cut(key, "/")
	if r := m[table][rest]; r != "ok" {
		return table + ": " + cmp.Or(r, "not measured")
	}
	return ""
}

// expectAMR applies engine/amr's measurements: the containers above, 8 or
// 16 kHz, mono; the video side as measured for the container.
func expectAMR(m measured, c testutil.ConcatCase) string {
	if !slices.Contains(amrContainers, c.Format) {
		return "amr cannot be written to " + c.Format
	}
	if c.Format == "mp4" && c.VideoCodec != "" && c.VideoCodec != "h264" {
		return "3GPP MP4 holds no " + c.VideoCodec
	}
	if c.VideoCodec != "" {
		if r := m["streams"][c.Format+"/"+c.VideoCodec+"/-"]; r != "ok" {
			return "streams: " + r
		}
	}
	switch c.Axis {
	case "ar":
		if c.Value != "8000" && c.Value != "16000" {
			return "amr codes 8000 or 16000 Hz"
		}
	case "ac":
		if c.Value != "1" {
			return "amr is mono"
		}
	case "fps", "pixfmt", "s":
		table := map[string]string{"fps": "video", "pixfmt": "pixfmt", "s": "size"}[c.Axis]
		if r := m[table][c.Format+"/"+c.VideoCodec+"/"+c.Value]; r != "ok" {
			return table + ": " + r
		}
	}
	return ""
}

// Every combination the document allows is accepted by the parser exactly
// when FFmpeg 5.1 can write it (measured), and a refusal names the
// parameter that makes the difference.
func TestCompatMatchesMeasurements(t *testing.T) {
	t.Parallel()
	m := loadMeasured(t)
	cases := testutil.ConcatCases()
	require.Greater(t, len(cases), 10_000)
	var wrong []string
	accepted := 0
	for _, c := range cases {
		_, err := parser.Parse("video/concat," + c.Head() + "|sys/saveas,o_b3V0")
		want := m.expect(c)
		switch {
		case err == nil && want != "":
			wrong = append(wrong, c.String()+": accepted, but "+want)
		case err != nil && want == "":
			wrong = append(wrong, c.String()+": refused ("+err.Error()+"), but FFmpeg writes it")
		case err != nil:
			e, ok := osserr.As(err)
			require.True(t, ok, err)
			require.Equal(t, osserr.InvalidArgument.Name, e.Code.Name, c.String())
			if c.Axis != "" && m.expect(testutil.ConcatCase{Format: c.Format, VideoCodec: c.VideoCodec, AudioCodec: c.AudioCodec}) == "" &&
				!namesParameter(e.Message, c.Axis) {
				wrong = append(wrong, c.String()+": refusal does not name "+c.Axis+": "+e.Message)
			}
		default:
			accepted++
		}
	}
	t.Logf("%d cases, %d accepted", len(cases), accepted)
	require.Empty(t, wrong, "%d mismatches, first: %s", len(wrong), strings.Join(wrong[:min(len(wrong), 40)], "\n"))
}

// namesParameter reports whether msg names key the way parser messages do:
// "parameter key: …" or "parameters a and key: …".
func namesParameter(msg, key string) bool {
	return regexp.MustCompile(`\bparameters? (\w+ and )*` + regexp.QuoteMeta(key) + `\b`).MatchString(msg)
}
