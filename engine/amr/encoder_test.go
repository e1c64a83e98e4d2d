package amr

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v       Variant
		bitrate int64
		want    int64
	}{
		{NB, 0, 12200}, {NB, 1000, 4750}, {NB, 12000, 12200}, {NB, 10000, 10200}, {NB, 96000, 12200},
		{NB, 4950, 4750}, {NB, 5000, 5150}, // 4950 is a tie between 4750 and 5150 goes to the lower
		{WB, 0, 23850}, {WB, 1000, 6600}, {WB, 12650, 12650}, {WB, 16000, 15850}, {WB, 10_000_000, 23850},
	} {
		require.Equal(t, tc.want, tc.v.ModeBitrate(tc.v.Mode(tc.bitrate)), "%s at %d", tc.v, tc.bitrate)
	}
}

func TestForSampleRate(t *testing.T) {
	t.Parallel()
	v, err := ForSampleRate(8000)
	require.NoError(t, err)
	require.Equal(t, NB, v)
	v, err = ForSampleRate(16000)
	require.NoError(t, err)
	require.Equal(t, WB, v)
	_, err = ForSampleRate(44100)
	require.ErrorContains(t, err, "44100")
}

// A 2 s tone through each variant at its lowest and highest mode, written
// as a .amr file: FFmpeg's amr demuxer and its own amrnb/amrwb decoders
// read it back as mono at the variant's rate, 2 s long, with the tone's
// energy, in both partials.
func TestEncoderDecodesWithFFmpeg(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v       Variant
		bitrate int64
	}{
		{NB, 0}, {NB, 4750}, {NB, 7950}, {WB, 0}, {WB, 6600}, {WB, 15850},
	} {
		t.Run(tc.v.String()+"/"+itoa(tc.v.ModeBitrate(tc.v.Mode(tc.bitrate))), func(t *testing.T) {
			t.Parallel()
			enc, err := NewEncoder(tc.v, tc.bitrate)
			require.NoError(t, err)
			defer enc.Close()
			mode := tc.v.Mode(tc.bitrate)
			in := tone(tc.v.SampleRate(), 2)
			n := tc.v.FrameSamples()
			var stream []byte
			for i := 0; i+n <= len(in); i += n {
				before := len(stream)
				stream, err = enc.Encode(stream, in[i:i+n])
				require.NoError(t, err)
				toc := stream[before]
				require.Equal(t, mode, int(toc>>3)&0x0f, "TOC frame type")
				require.NotZero(t, toc&0x04, "TOC quality bit")
				require.Len(t, stream[before:], tc.v.storageSize(mode))
			}

			d := decodeFile(t, writeAMR(t, tc.v, stream))
			require.Equal(t, "amr", d.format)
			require.Equal(t, tc.v.CodecID(), d.codec)
			require.Equal(t, tc.v.SampleRate(), d.sampleRate)
			require.Equal(t, 1, d.channels)
			require.InDelta(t, 2.0, d.seconds(), 0.1)
			requireSameTone(t, toFloat(in), d.samples, tc.v.SampleRate())
		})
	}
}

func TestEncoderRefusesWrongFrame(t *testing.T) {
	t.Parallel()
	enc, err := NewEncoder(NB, 0)
	require.NoError(t, err)
	_, err = enc.Encode(nil, make([]int16, 100))
	require.ErrorContains(t, err, "160 samples")
	enc.Close()
	enc.Close()
	_, err = enc.Encode(nil, make([]int16, 160))
	require.ErrorContains(t, err, "closed")
}

// opencore-amrnb filters its input buffer in place; Encode must leave the
// caller's samples alone.
func TestEncoderKeepsInput(t *testing.T) {
	t.Parallel()
	for _, v := range []Variant{NB, WB} {
		enc, err := NewEncoder(v, 0)
		require.NoError(t, err)
		in := tone(v.SampleRate(), 0.02)
		orig := append([]int16(nil), in...)
		_, err = enc.Encode(nil, in)
		require.NoError(t, err)
		require.Equal(t, orig, in, v.String())
		enc.Close()
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
