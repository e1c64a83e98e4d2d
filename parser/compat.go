package parser

import (
	"math"
	"strconv"
	"strings"
)

// What FFmpeg 5.1's encoders and muxers can write, as ossemu drives them,
// beyond the container/codec pairs of rules.go: frame rates, pixel
// formats, sample rates and channel counts. Measured by
// scripts/measure-compat.sh (tables in testdata/compat; AMR by engine/amr's
// tests), so a request that can only fail in the encoder or muxer is
// refused at submission with a 400 naming its parameters. The same limits
// move the defaults an engine takes from the align clip to legal values
// (LegalFrameRate, AudioLimits.SampleRate and .Channels).

// mxfFrameRates are the frame rates FFmpeg 5.1's MXF muxer stores (its
// content package rates; others are "unofficial" and refused), as exact
// rationals the way FrameRate makes them.
var mxfFrameRates = [][2]int{
	{24000, 1001}, {24, 1}, {25, 1}, {30000, 1001}, {30, 1}, {48000, 1001}, {48, 1}, {50, 1},
	{60000, 1001}, {60, 1}, {72000, 1001}, {72, 1}, {75, 1}, {90000, 1001}, {90, 1},
	{96000, 1001}, {96, 1}, {100, 1}, {120000, 1001}, {120, 1},
}

// FrameRate is the exact rational for an fps value: the NTSC rates
// (23.976, 29.97, 47.952, 59.94, 71.928, 89.91, 95.904, 119.88, within
// 0.005) become n×1000/1001, whole rates n/1, anything else is kept to a
// thousandth.
func FrameRate(fps float64) (num, den int) {
	for _, n := range []int{24, 30, 48, 60, 72, 90, 96, 120} {
		if math.Abs(fps-float64(n)*1000/1001) < 0.005 {
			return n * 1000, 1001
		}
	}
	if math.Abs(fps-math.Round(fps)) < 1e-6 {
		return int(math.Round(fps)), 1
	}
	num, den = int(math.Round(fps*1000)), 1000
	g := gcd(num, den)
	return num / g, den / g
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// frameRatesOf lists the frame rates container f stores; nil: any fps in
// (0, 240].
func frameRatesOf(f Container) [][2]int {
	if f == MXF {
		return mxfFrameRates
	}
	return nil
}

// LegalFrameRate is fps when container f stores it, else the nearest rate
// it does (for a rate taken from the align clip).
func LegalFrameRate(f Container, fps float64) float64 {
	rates := frameRatesOf(f)
	if rates == nil || frameRateIn(rates, fps) {
		return fps
	}
	best := 0.0
	for _, r := range rates {
		v := float64(r[0]) / float64(r[1])
		if math.Abs(v-fps) < math.Abs(best-fps) {
			best = v
		}
	}
	return best
}

func frameRateIn(rates [][2]int, fps float64) bool {
	num, den := FrameRate(fps)
	for _, r := range rates {
		if r[0] == num && r[1] == den {
			return true
		}
	}
	return false
}

func frameRateNames(rates [][2]int) string {
	names := make([]string, len(rates))
	for i, r := range rates {
		names[i] = strconv.FormatFloat(math.Floor(float64(r[0])/float64(r[1])*1000)/1000, 'f', -1, 64)
	}
	return strings.Join(names, ", ")
}

// AudioLimits is what an audio codec can be written with in a container.
type AudioLimits struct {
	Rates       []int // sample rates it takes, ascending; nil: every ar value
	MaxChannels int
	NoChannels  []int // channel counts under MaxChannels it cannot write
}

// Sample rates and channel counts per codec (seed 000's notes and the
// encoders' own lists) and per container (the muxers); read-only.
var (
	mp3Rates    = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}
	aacRates    = []int{7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000} // the encoder's list
	opusRates   = []int{8000, 12000, 16000, 24000, 48000}
	ac3Rates    = []int{32000, 44100, 48000}
	amrRates    = []int{8000, 16000}
	flvMP3Rates = []int{11025, 22050, 44100, 48000} // FLV's rate flags; 48 kHz MP3 is flagged 44.1
	mxfRates    = []int{48000}                      // "only 48khz is implemented"
)

// AudioLimitsOf is what codec c takes in container f.
func AudioLimitsOf(f Container, c AudioCodec) AudioLimits {
	l := AudioLimits{MaxChannels: maxChannels}
	switch c {
	case AudioMP3:
		l.Rates, l.MaxChannels = mp3Rates, 2
	case AudioAAC:
		l.Rates = aacRates
	case AudioOpus:
		l.Rates = opusRates
	case AudioAC3:
		l.Rates, l.MaxChannels = ac3Rates, 6
	case AudioAMR:
		l.Rates, l.MaxChannels = amrRates, 1
	}
	switch {
	case f == FLV && c == AudioMP3:
		l.Rates = flvMP3Rates
	case f == MXF:
		l.Rates = mxfRates
	case f == TS && c == AudioOpus:
		// MPEG-TS has no Opus mapping for 6.1: the muxer writes a zero
		// channel count no demuxer reads back.
		l.NoChannels = []int{7}
	}
	return l
}

// Allows reports whether rate is one the codec takes.
func (l AudioLimits) Allows(rate int) bool { return l.Rates == nil || containsOf(l.Rates, rate) }

// SampleRate is rate when allowed, else the nearest allowed rate (the
// higher one on a tie), for a rate taken from the align clip.
func (l AudioLimits) SampleRate(rate int) int {
	if l.Allows(rate) {
		return rate
	}
	best := l.Rates[0]
	for _, r := range l.Rates { // ascending: <= lets the higher win a tie
		if absInt(r-rate) <= absInt(best-rate) {
			best = r
		}
	}
	return best
}

// AllowsChannels reports whether n channels are ones the codec takes.
func (l AudioLimits) AllowsChannels(n int) bool {
	return n <= l.MaxChannels && !containsOf(l.NoChannels, n)
}

// Channels is n capped to the most channels the codec takes, mixed down
// further past a count it cannot write.
func (l AudioLimits) Channels(n int) int {
	n = min(n, l.MaxChannels)
	for n > 1 && containsOf(l.NoChannels, n) {
		n--
	}
	return n
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
