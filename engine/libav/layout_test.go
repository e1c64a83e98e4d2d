package libav

import (
	"path/filepath"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
	"github.com/stretchr/testify/require"
)

// The casts of layout.go read the right C structs: each is checked against
// something go-astiav exposes itself, or against a fact of the codec or
// filter it reaches. (BestStream and MainStream, which read the format
// context and the streams, are checked in input_test.go on a clip whose
// video is not its first stream.)
func TestLayout(t *testing.T) {
	t.Parallel()
	c := astikit.NewCloser()
	defer c.Close()

	mux, err := NewMuxer("matroska", filepath.Join(t.TempDir(), "x.mkv"))
	require.NoError(t, err)
	c.Add(mux.Close)
	require.Equal(t, int(cFormat(mux.fc).nb_streams), len(mux.fc.Streams()))

	for name, short := range map[string]bool{"ac3": false, "pcm_s16le": true, "flac": true} {
		e, err := NewEncoder(name, mux, c)
		require.NoError(t, err)
		require.Equal(t, e.Codec.ID(), astiav.CodecID(cCodec(e.Codec).id), name)
		require.Equal(t, short, e.AcceptsShortFrames(), name)
		e.SetWidth(64)
		require.Equal(t, 64, int(cCodecContext(e.CodecContext).width), name)
	}

	g, err := NewGraph(false, astiav.FilterArgs{"video_size": "64x48", "pix_fmt": "0", "time_base": "1/90000", "pixel_aspect": "1/1"}, "fps=fps=25", 1)
	require.NoError(t, err)
	c.Add(g.Close)
	require.Equal(t, astiav.NewRational(1, 25), g.TimeBase())
	require.Equal(t, g.src.NbOutputs(), int(cFilterContext(g.src).nb_outputs))
}
