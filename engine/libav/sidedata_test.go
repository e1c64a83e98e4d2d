package libav

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
	"github.com/stretchr/testify/require"
)

// forwardsSideDataPacket names exactly the muxers that rewrite FLAC's
// STREAMINFO from the encoder's last, payload-less packet: each muxer gets
// every packet, and afterwards the file's STREAMINFO carries the MD5 (the
// encoder's first STREAMINFO has it zeroed) only where the packet was used.
func TestForwardsSideDataPacket(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ muxer, ext string }{
		{"flac", "flac"}, {"matroska", "mkv"}, {"mp4", "mp4"},
		{"avi", "avi"}, {"asf", "asf"}, {"ogg", "oga"},
	} {
		t.Run(tc.muxer, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "a."+tc.ext)
			writeFLAC(t, tc.muxer, path)
			info := streamInfo(t, path)
			require.Len(t, info, 34)
			md5Set := !bytes.Equal(info[18:], make([]byte, 16))
			require.Equal(t, forwardsSideDataPacket(tc.muxer), md5Set)
		})
	}
}

// writeFLAC encodes ten whole FLAC frames (no short last frame, so no
// muxer sees colliding timestamps) and muxes every packet, the last,
// payload-less one included.
func writeFLAC(t *testing.T, muxer, path string) {
	t.Helper()
	c := astikit.NewCloser()
	defer c.Close()
	codec := astiav.FindEncoderByName("flac")
	require.NotNil(t, codec)
	cc := astiav.AllocCodecContext(codec)
	c.Add(cc.Free)
	cc.SetSampleRate(48000)
	cc.SetChannelLayout(astiav.ChannelLayoutStereo)
	cc.SetSampleFormat(astiav.SampleFormatS16)
	cc.SetTimeBase(astiav.NewRational(1, 48000))
	fc, err := astiav.AllocOutputFormatContext(nil, muxer, path)
	require.NoError(t, err)
	c.Add(fc.Free)
	fc.SetStrictStdCompliance(astiav.StrictStdComplianceExperimental)
	if fc.OutputFormat().Flags().Has(astiav.IOFormatFlagGlobalheader) {
		cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagGlobalHeader))
	}
	require.NoError(t, cc.Open(codec, nil))
	st := fc.NewStream(nil)
	require.NoError(t, st.CodecParameters().FromCodecContext(cc))
	st.SetTimeBase(cc.TimeBase())
	pb, err := astiav.OpenIOContext(path, astiav.NewIOContextFlags(astiav.IOContextFlagWrite))
	require.NoError(t, err)
	c.AddWithError(pb.Close)
	fc.SetPb(pb)
	require.NoError(t, fc.WriteHeader(nil))

	pkt, f := astiav.AllocPacket(), astiav.AllocFrame()
	c.Add(pkt.Free)
	c.Add(f.Free)
	empty := 0
	drain := func() {
		for {
			err := cc.ReceivePacket(pkt)
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return
			}
			require.NoError(t, err)
			if pkt.Size() == 0 {
				empty++
			}
			pkt.SetStreamIndex(st.Index())
			pkt.RescaleTs(cc.TimeBase(), st.TimeBase())
			require.NoError(t, fc.WriteInterleavedFrame(pkt))
		}
	}
	for i := 0; i < 10; i++ {
		f.SetNbSamples(cc.FrameSize())
		f.SetSampleFormat(astiav.SampleFormatS16)
		f.SetChannelLayout(astiav.ChannelLayoutStereo)
		f.SetSampleRate(48000)
		require.NoError(t, f.AllocBuffer(0))
		f.SetPts(int64(i * cc.FrameSize()))
		require.NoError(t, cc.SendFrame(f))
		f.Unref()
		drain()
	}
	require.NoError(t, cc.SendFrame(nil))
	drain()
	require.Equal(t, 1, empty, "FLAC's payload-less last packet")
	require.NoError(t, fc.WriteTrailer())
}

// streamInfo is the FLAC STREAMINFO block of the file's audio stream.
func streamInfo(t *testing.T, path string) []byte {
	t.Helper()
	fc := astiav.AllocFormatContext()
	defer fc.Free()
	require.NoError(t, fc.OpenInput(path, nil, nil))
	defer fc.CloseInput()
	require.NoError(t, fc.FindStreamInfo(nil))
	require.Len(t, fc.Streams(), 1)
	extra := fc.Streams()[0].CodecParameters().ExtraData()
	if len(extra) > 34 { // "fLaC" and a metadata block header first
		extra = extra[len(extra)-34:]
	}
	return extra
}
