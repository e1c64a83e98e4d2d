package enginetest

import (
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Probe is what ffprobe reports about a file, with its packets, so
// per-stream durations can be measured from them.
type Probe struct {
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

// ProbeFile runs ffprobe on path.
func ProbeFile(t testing.TB, path string) Probe {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-show_format", "-show_packets",
		"-show_entries", "packet=stream_index,pts_time,duration_time,flags,size", "-of", "json", path).Output()
	require.NoError(t, err, path)
	var p Probe
	require.NoError(t, json.Unmarshal(out, &p))
	return p
}

// Stream returns the position in Streams of the first stream of the type
// ("video", "audio"), or -1.
func (p Probe) Stream(kind string) int {
	for i, s := range p.Streams {
		if s.CodecType == kind {
			return i
		}
	}
	return -1
}

// Duration measures a stream's span from its packets: first pts to last
// pts + duration.
func (p Probe) Duration(index int) float64 {
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

// FormatDuration is the container's duration.
func (p Probe) FormatDuration() float64 {
	d, _ := strconv.ParseFloat(p.Format.Duration, 64)
	return d
}

// StreamDuration is how long a stream plays: from 0 (or its later first
// packet) to its last packet's end. Packets before 0 are the AAC encoder's
// priming, which the edit list hides (128 ms at 8 kHz).
func StreamDuration(p Probe, index int) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, k := range p.Packets {
		pts, err := strconv.ParseFloat(k.PtsTime, 64)
		if k.StreamIndex != index || err != nil {
			continue
		}
		d, _ := strconv.ParseFloat(k.DurTime, 64)
		lo, hi = math.Min(lo, math.Max(pts, 0)), math.Max(hi, pts+d)
	}
	if math.IsInf(lo, 0) {
		return 0
	}
	return hi - lo
}

// FileDuration is ffprobe's idea of a file's duration.
func FileDuration(t testing.TB, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).Output()
	require.NoError(t, err, path)
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	require.NoError(t, err, path)
	return d
}

// Rate parses a rate such as "25/1".
func Rate(s string) float64 {
	var n, d float64
	if _, err := fmt.Sscanf(s, "%f/%f", &n, &d); err != nil || d == 0 {
		return 0
	}
	return n / d
}

// Even rounds down to an even number, at least 2, as 4:2:0 output needs.
func Even(v int) int { return max(v&^1, 2) }
