package concat

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// ctRun parses process and runs it on object through the concat engine.
func ctRun(t testing.TB, store storage.Backend, object, process string) (*queue.Result, error) {
	t.Helper()
	_, err := parser.Parse(process)
	require.NoError(t, err, process)
	job := &queue.Job{
		TaskID: "t", Bucket: enginetest.Bucket, Object: object, Process: process, Storage: store,
		WorkDir: t.TempDir(), Threads: 2, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Progress: func(int) {},
	}
	return New(engine.Config{VideoPreset: "ultrafast"}).Process(context.Background(), job)
}

// ctOne runs process and returns the single output's local path.
func ctOne(t testing.TB, store storage.Backend, object, process string) string {
	t.Helper()
	res, err := ctRun(t, store, object, process)
	require.NoError(t, err, process)
	require.Len(t, res.Outputs, 1)
	return res.Outputs[0].Path
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
	store := enginetest.PathStore{DirStore: enginetest.DirStore{Dir: filepath.Dir(filepath.Dir(path))}}
	in, err := libav.OpenInput(context.Background(), store, filepath.Base(filepath.Dir(path)), filepath.Base(path), 0)
	require.NoError(t, err)
	defer in.Close()
	decs := map[int]*libav.Decoder{}
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
	drain := func(d *libav.Decoder) {
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
	return parser.Vars{Bucket: enginetest.Bucket, Key: "dir/in.mp4", Index: 1, AutoExt: "ts"}
}

func ctReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
