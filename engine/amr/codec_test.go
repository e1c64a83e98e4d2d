package amr

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
	"github.com/stretchr/testify/require"
)

// muxTone sends seconds of tone through a Codec in frames of chunk samples
// and writes the packets with libavformat's muxer format (plus muxer
// options), the way an engine's muxer does: stream parameters from
// Context, packets rescaled from its time base, interleaved writes. It
// returns the tone and the error of the first failing muxer call.
func muxTone(t *testing.T, v Variant, bitrate int64, format, path string, opts map[string]string, seconds float64, chunk int) ([]int16, error) {
	t.Helper()
	c := astikit.NewCloser()
	defer c.Close()
	fc, err := astiav.AllocOutputFormatContext(nil, format, path)
	require.NoError(t, err)
	c.Add(fc.Free)
	codec, err := NewCodec(v, bitrate)
	require.NoError(t, err)
	c.Add(codec.Close)

	st := fc.NewStream(nil)
	require.NoError(t, st.CodecParameters().FromCodecContext(codec.Context()))
	st.SetTimeBase(codec.Context().TimeBase())
	pb, err := astiav.OpenIOContext(path, astiav.NewIOContextFlags(astiav.IOContextFlagWrite))
	require.NoError(t, err)
	c.AddWithError(pb.Close)
	fc.SetPb(pb)
	d := astiav.NewDictionary()
	defer d.Free()
	for k, val := range opts {
		require.NoError(t, d.Set(k, val, astiav.NewDictionaryFlags()))
	}
	if err := fc.WriteHeader(d); err != nil {
		return nil, err
	}

	pkt := astiav.AllocPacket()
	c.Add(pkt.Free)
	write := func() error {
		for {
			err := codec.ReceivePacket(pkt)
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return nil
			}
			require.NoError(t, err)
			pkt.SetStreamIndex(st.Index())
			pkt.RescaleTs(codec.Context().TimeBase(), st.TimeBase())
			if err := fc.WriteInterleavedFrame(pkt); err != nil {
				return err
			}
		}
	}
	in := tone(v.SampleRate(), seconds)
	f := astiav.AllocFrame()
	c.Add(f.Free)
	for pos := 0; pos < len(in); pos += chunk {
		n := min(chunk, len(in)-pos)
		f.SetNbSamples(n)
		f.SetSampleFormat(astiav.SampleFormatS16)
		f.SetChannelLayout(astiav.ChannelLayoutMono)
		f.SetSampleRate(v.SampleRate())
		require.NoError(t, f.AllocBuffer(0))
		b, err := packedSamples(f)
		require.NoError(t, err)
		copy(s16(b), in[pos:pos+n])
		f.SetPts(int64(pos))
		require.NoError(t, codec.SendFrame(f))
		f.Unref()
		if err := write(); err != nil {
			return nil, err
		}
	}
	require.NoError(t, codec.SendFrame(nil))
	if err := write(); err != nil {
		return nil, err
	}
	require.ErrorIs(t, codec.SendFrame(nil), astiav.ErrEof)
	return in, fc.WriteTrailer()
}

// The containers FFmpeg 5.1 writes AMR into, through the adapter exactly as
// an engine would use it: each file demuxes to one mono AMR stream at the
// variant's rate, lasting the 2.01 s sent (the last 10 ms padded to a whole
// 20 ms frame), carrying the tone. MP4 is written by the mov muxer in its
// 3GP mode branded mp42: FFmpeg's mp4 mode has no tag for AMR, while an
// ISO file with a samr/sawb sample entry is how 3GPP TS 26.244 stores it.
func TestCodecMuxes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ext, muxer string
		opts       map[string]string
		demuxer    string
		stated     bool // the container states the stream duration
	}{
		{"amr", "amr", nil, "amr", false},
		{"mkv", "matroska", nil, "matroska,webm", true},
		{"mov", "mov", map[string]string{"movflags": "+faststart"}, "mov,mp4,m4a,3gp,3g2,mj2", true},
		{"mp4", "3gp", map[string]string{"brand": "mp42", "movflags": "+faststart"}, "mov,mp4,m4a,3gp,3g2,mj2", true},
		{"3gp", "3gp", nil, "mov,mp4,m4a,3gp,3g2,mj2", true},
		{"asf", "asf", nil, "asf", true},
		{"avi", "avi", nil, "avi", true},
	} {
		for _, v := range []Variant{NB, WB} {
			t.Run(tc.ext+"/"+v.String(), func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "tone."+tc.ext)
				in, err := muxTone(t, v, 0, tc.muxer, path, tc.opts, 2.01, 1024)
				require.NoError(t, err)
				d := decodeFile(t, path)
				require.Equal(t, tc.demuxer, d.format)
				require.Equal(t, v.CodecID(), d.codec)
				require.Equal(t, v.SampleRate(), d.sampleRate)
				require.Equal(t, 1, d.channels)
				require.InDelta(t, 2.02, d.seconds(), 0.1)
				if tc.stated {
					require.InDelta(t, 2.02, d.duration, 0.1)
				}
				requireSameTone(t, toFloat(in), d.samples, v.SampleRate())
			})
		}
	}
}

// The containers FFmpeg 5.1 cannot write AMR into refuse it when the
// header is written (the parser refuses these pairs at submission).
func TestCodecRefusedContainers(t *testing.T) {
	t.Parallel()
	for _, muxer := range []string{"mp4", "flv", "webm", "ogg", "mxf"} {
		t.Run(muxer, func(t *testing.T) {
			t.Parallel()
			_, err := muxTone(t, NB, 0, muxer, filepath.Join(t.TempDir(), "tone"), nil, 0.1, 160)
			require.Error(t, err)
		})
	}
}

// MPEG-TS takes the stream but stores it as private data that no demuxer
// reads back as AMR.
func TestCodecTSUnreadable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tone.ts")
	_, err := muxTone(t, NB, 0, "mpegts", path, nil, 1, 160)
	require.NoError(t, err)
	fc := astiav.AllocFormatContext()
	defer fc.Free()
	require.NoError(t, fc.OpenInput(path, nil, nil))
	defer fc.CloseInput()
	require.NoError(t, fc.FindStreamInfo(nil))
	for _, s := range fc.Streams() {
		require.NotEqual(t, astiav.MediaTypeAudio, s.CodecParameters().MediaType())
	}
}

// Frames of the wrong shape are refused; pts follow the first frame's.
func TestCodecFrames(t *testing.T) {
	t.Parallel()
	c, err := NewCodec(WB, 12650)
	require.NoError(t, err)
	defer c.Close()
	require.Equal(t, "libvo_amrwbenc", c.Name())
	require.Equal(t, int64(12650), c.Context().BitRate())
	require.Equal(t, 320, c.Context().FrameSize())
	require.Equal(t, astiav.NewRational(1, 16000), c.Context().TimeBase())

	f := astiav.AllocFrame()
	defer f.Free()
	f.SetNbSamples(500)
	f.SetSampleFormat(astiav.SampleFormatS16)
	f.SetChannelLayout(astiav.ChannelLayoutStereo)
	f.SetSampleRate(16000)
	require.NoError(t, f.AllocBuffer(0))
	require.ErrorContains(t, c.SendFrame(f), "s16 mono 16000 Hz")
	f.Unref()

	f.SetNbSamples(500)
	f.SetSampleFormat(astiav.SampleFormatS16)
	f.SetChannelLayout(astiav.ChannelLayoutMono)
	f.SetSampleRate(16000)
	require.NoError(t, f.AllocBuffer(0))
	f.SetPts(48000)
	require.NoError(t, c.SendFrame(f))
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	require.NoError(t, c.ReceivePacket(pkt))
	require.Equal(t, int64(48000), pkt.Pts())
	require.Equal(t, int64(320), pkt.Duration())
	require.Len(t, pkt.Data(), WB.storageSize(WB.Mode(12650)))
	pkt.Unref()
	require.ErrorIs(t, c.ReceivePacket(pkt), astiav.ErrEagain)
	require.NoError(t, c.SendFrame(nil)) // 180 samples left: one padded frame
	require.NoError(t, c.ReceivePacket(pkt))
	require.Equal(t, int64(48320), pkt.Pts())
	pkt.Unref()
	require.ErrorIs(t, c.ReceivePacket(pkt), astiav.ErrEof)
}
