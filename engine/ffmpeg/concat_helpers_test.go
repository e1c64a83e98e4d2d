package ffmpeg

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// ctStore is the concat tests' name for the package's read-only test
// backend over a directory (dir/bucket/key, input_test.go): without
// LocalPath libav reads through custom AVIO, as for every non-local backend.
type ctStore = inDirStore

// ctPathStore also hands libav local paths, as storage/local does.
type ctPathStore = inPathStore

const ctBucket = "media"

// ctNewStore makes a store holding every clip of testdata/videos in bucket
// "media" under its own name, plus extra files (key → path).
func ctNewStore(t testing.TB, extra map[string]string) ctStore {
	t.Helper()
	dir := t.TempDir()
	b := filepath.Join(dir, ctBucket)
	require.NoError(t, os.MkdirAll(b, 0o755))
	src, err := filepath.Abs("../../testdata/videos")
	require.NoError(t, err)
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.Symlink(filepath.Join(src, e.Name()), filepath.Join(b, e.Name())))
	}
	for key, p := range extra {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(b, key)), 0o755))
		require.NoError(t, os.Symlink(p, filepath.Join(b, key)))
	}
	return ctStore{dir: dir}
}

// ctB64 is URL-safe base64 without padding, as the SDK examples encode.
func ctB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// ctRun parses process and runs it on object through the concat engine.
func ctRun(t testing.TB, store storage.Backend, object, process string) (*queue.Result, error) {
	t.Helper()
	astiav.SetLogLevel(astiav.LogLevelError) // libav's log level is global; tests only want errors
	_, err := parser.Parse(process)
	require.NoError(t, err, process)
	job := &queue.Job{
		TaskID: "t", Bucket: ctBucket, Object: object, Process: process, Storage: store,
		WorkDir: t.TempDir(), Threads: 2, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Progress: func(int) {},
	}
	return NewConcat(Config{VideoPreset: "ultrafast"}).Process(context.Background(), job)
}

// ctOne runs process and returns the single output's local path.
func ctOne(t testing.TB, store storage.Backend, object, process string) string {
	t.Helper()
	res, err := ctRun(t, store, object, process)
	require.NoError(t, err, process)
	require.Len(t, res.Outputs, 1)
	return res.Outputs[0].Path
}

// ctSaveAs is a saveas stage writing to key in the source bucket.
func ctSaveAs(key string) string { return "|sys/saveas,o_" + ctB64(key) }

// ctProbe is what ffprobe reports about a file, plus per-stream durations
// measured from the packets (first pts to last pts + duration).
type ctProbe struct {
	Streams []struct {
		Index         int    `json:"index"`
		CodecName     string `json:"codec_name"`
		CodecType     string `json:"codec_type"`
		Width         int    `json:"width"`
		Height        int    `json:"height"`
		PixFmt        string `json:"pix_fmt"`
		RFrameRate    string `json:"r_frame_rate"`
		AvgFrameRate  string `json:"avg_frame_rate"`
		SampleRate    string `json:"sample_rate"`
		Channels      int    `json:"channels"`
		SampleFmt     string `json:"sample_fmt"`
		BitsPerSample int    `json:"bits_per_raw_sample,string"`
	} `json:"streams"`
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		BitRate    string `json:"bit_rate"`
	} `json:"format"`
	Packets []struct {
		StreamIndex int     `json:"stream_index"`
		PtsTime     string  `json:"pts_time"`
		DurTime     string  `json:"duration_time"`
		Flags       string  `json:"flags"`
		Size        float64 `json:"size,string"`
	} `json:"packets"`
}

func ctProbeFile(t testing.TB, path string) ctProbe {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-show_format", "-show_packets",
		"-show_entries", "packet=stream_index,pts_time,duration_time,flags,size", "-of", "json", path).Output()
	require.NoError(t, err, path)
	var p ctProbe
	require.NoError(t, json.Unmarshal(out, &p))
	return p
}

// stream returns the first stream of the type ("video", "audio").
func (p ctProbe) stream(kind string) int {
	for i, s := range p.Streams {
		if s.CodecType == kind {
			return i
		}
	}
	return -1
}

// duration measures a stream's span from its packets.
func (p ctProbe) duration(index int) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, k := range p.Packets {
		if k.StreamIndex != index || k.PtsTime == "" || k.PtsTime == "N/A" {
			continue
		}
		pts, _ := strconv.ParseFloat(k.PtsTime, 64)
		d, _ := strconv.ParseFloat(k.DurTime, 64)
		lo, hi = math.Min(lo, pts), math.Max(hi, pts+d)
	}
	if math.IsInf(lo, 0) {
		return 0
	}
	return hi - lo
}

func (p ctProbe) formatDuration() float64 {
	d, _ := strconv.ParseFloat(p.Format.Duration, 64)
	return d
}

// ctRate parses "25/1".
func ctRate(s string) float64 {
	var n, d float64
	if _, err := fmt.Sscanf(s, "%f/%f", &n, &d); err != nil || d == 0 {
		return 0
	}
	return n / d
}

// ctDecoded is what decoding a file back with libav found.
type ctDecoded struct {
	Video        int     // video frames
	AudioFrames  int     // audio frames
	AudioSeconds float64 // decoded samples / sample rate
}

// ctDecode decodes every audio and video packet of path with libav and
// fails on any decode error.
func ctDecode(t testing.TB, path string) ctDecoded {
	t.Helper()
	in, err := OpenInput(context.Background(), ctPathStore{ctStore{filepath.Dir(filepath.Dir(path))}},
		filepath.Base(filepath.Dir(path)), filepath.Base(path))
	require.NoError(t, err)
	defer in.Close()
	decs := map[int]*Decoder{}
	for _, s := range in.Format.Streams() {
		if mt := s.CodecParameters().MediaType(); mt == astiav.MediaTypeAudio || mt == astiav.MediaTypeVideo {
			d, err := in.OpenDecoder(s, 1, nil)
			require.NoError(t, err)
			decs[s.Index()] = d
		}
	}
	pkt, f := astiav.AllocPacket(), astiav.AllocFrame()
	defer pkt.Free()
	defer f.Free()
	var res ctDecoded
	drain := func(d *Decoder) {
		for d.ReceiveFrame(f) == nil {
			if d.MediaType() == astiav.MediaTypeVideo {
				res.Video++
			} else {
				res.AudioFrames++
				res.AudioSeconds += float64(f.NbSamples()) / float64(f.SampleRate())
			}
			f.Unref()
		}
	}
	for in.Format.ReadFrame(pkt) == nil {
		if d, ok := decs[pkt.StreamIndex()]; ok {
			require.NoError(t, d.SendPacket(pkt), path)
			drain(d)
		}
		pkt.Unref()
	}
	for _, d := range decs {
		require.NoError(t, d.SendPacket(nil))
		drain(d)
	}
	return res
}

// requireMoovFirst checks an MP4/MOV has its index before its media data.
func requireMoovFirst(t testing.TB, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	moov, mdat := bytes.Index(b, []byte("moov")), bytes.Index(b, []byte("mdat"))
	require.True(t, moov > 0 && mdat > 0 && moov < mdat, "moov at %d, mdat at %d", moov, mdat)
}

func ctTemplate(t testing.TB, s string) parser.Template {
	t.Helper()
	tmpl, err := parser.ParseTemplate(s)
	require.NoError(t, err)
	return tmpl
}

func ctVars() parser.Vars {
	return parser.Vars{Bucket: ctBucket, Key: "dir/in.mp4", Index: 1, AutoExt: "ts"}
}

func ctReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
