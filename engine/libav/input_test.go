package libav_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// inDecodeAll decodes every packet of the decoder's stream and returns the
// frame count.
func inDecodeAll(t *testing.T, in *libav.Input, dec *libav.Decoder) int {
	t.Helper()
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	f := astiav.AllocFrame()
	defer f.Free()
	n := 0
	receive := func() {
		for dec.ReceiveFrame(f) == nil {
			n++
			f.Unref()
		}
	}
	for {
		err := in.Format.ReadFrame(pkt)
		if err != nil {
			require.NoError(t, in.ReadError(context.Background(), err))
			break
		}
		if pkt.StreamIndex() == dec.Stream.Index() {
			require.NoError(t, dec.SendPacket(pkt))
			receive()
		}
		pkt.Unref()
	}
	require.NoError(t, dec.SendPacket(nil))
	receive()
	return n
}

func TestOpenInputStreamsAndDecode(t *testing.T) {
	t.Parallel()
	// Audio is mapped first so the video stream is index 1: BestStream must
	// find it through the C struct, which checks the wrapper layout too.
	// MP4 puts its index (moov) at the end unless told otherwise.
	clip := enginetest.Clip(t, "av.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:duration=2",
		"-f", "lavfi", "-i", "sine=duration=2", "-map", "1:a", "-map", "0:v",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-c:a", "aac")
	dir := t.TempDir()
	enginetest.Put(t, dir, "bkt", "dir/av.mp4", clip)
	for name, store := range enginetest.Stores(dir) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in, err := libav.OpenInput(context.Background(), store, "bkt", "dir/av.mp4", 0)
			require.NoError(t, err)
			defer in.Close()
			v := in.BestStream(astiav.MediaTypeVideo)
			require.NotNil(t, v)
			require.Equal(t, 1, v.Index())
			a := in.BestStream(astiav.MediaTypeAudio)
			require.NotNil(t, a)
			require.Equal(t, 0, a.Index())
			require.InDelta(t, 2.0, in.Duration(v).Seconds(), 0.1)
			require.Equal(t, 0, libav.Rotation(v))
			dec, err := in.OpenDecoder(v, 2, nil)
			require.NoError(t, err)
			require.Equal(t, 60, inDecodeAll(t, in, dec))
		})
	}
}

func TestOpenInputKeyframesOnlyAndFlush(t *testing.T) {
	t.Parallel()
	clip := enginetest.Clip(t, "gop.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:duration=4",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0")
	dir := t.TempDir()
	enginetest.Put(t, dir, "b", "gop.mp4", clip)
	in, err := libav.OpenInput(context.Background(), enginetest.DirStore{Dir: dir}, "b", "gop.mp4", 0)
	require.NoError(t, err)
	defer in.Close()
	v := in.BestStream(astiav.MediaTypeVideo)
	dec, err := in.OpenDecoder(v, 1, map[string]string{"skip_frame": "nokey"})
	require.NoError(t, err)
	require.Equal(t, 4, inDecodeAll(t, in, dec), "one frame per 30-frame GOP")

	// After a seek back to the start and a flush, the decoder works again.
	require.NoError(t, in.Format.SeekFrame(v.Index(), 0, astiav.NewSeekFlags(astiav.SeekFlagBackward)))
	dec.Flush()
	require.Equal(t, 4, inDecodeAll(t, in, dec))
}

func TestRotation(t *testing.T) {
	t.Parallel()
	// portrait.mp4 is stored 320x180 with a display matrix turning it 90°
	// clockwise (ffprobe reports rotation=-90, counter-clockwise).
	dir := t.TempDir()
	enginetest.Put(t, dir, "b", "p.mp4", "../../testdata/videos/portrait.mp4")
	in, err := libav.OpenInput(context.Background(), enginetest.PathStore{DirStore: enginetest.DirStore{Dir: dir}}, "b", "p.mp4", 0)
	require.NoError(t, err)
	defer in.Close()
	require.Equal(t, 90, libav.Rotation(in.BestStream(astiav.MediaTypeVideo)))
}

func TestOpenInputFailures(t *testing.T) {
	t.Parallel()
	clip := enginetest.Clip(t, "trunc.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:duration=2",
		"-c:v", "libx264", "-preset", "ultrafast")
	whole, err := os.ReadFile(clip)
	require.NoError(t, err)
	dir := t.TempDir()
	enginetest.PutBytes(t, dir, "b", "junk.mp4", []byte(strings.Repeat("this is not a video ", 500)))
	enginetest.PutBytes(t, dir, "b", "empty.mp4", nil)
	enginetest.PutBytes(t, dir, "b", "cut.mp4", whole[:len(whole)/2]) // index at the end is lost
	for name, store := range enginetest.Stores(dir) {
		for _, key := range []string{"junk.mp4", "empty.mp4", "cut.mp4"} {
			t.Run(name+"/"+key, func(t *testing.T) {
				t.Parallel()
				_, err := libav.OpenInput(context.Background(), store, "b", key, 0)
				require.Error(t, err)
				require.True(t, osserr.Is(err, osserr.InvalidMedia), "%v", err)
				require.Contains(t, err.Error(), "b/"+key)
			})
		}
		t.Run(name+"/missing", func(t *testing.T) {
			t.Parallel()
			_, err := libav.OpenInput(context.Background(), store, "b", "nope.mp4", 0)
			require.True(t, osserr.Is(err, osserr.NoSuchKey), "%v", err)
		})
	}
}

// inFlakyStore serves objects whose middle half cannot be read, as a
// storage backend with a failing disk would.
type inFlakyStore struct{ enginetest.DirStore }

type inFlakyFile struct {
	enginetest.File
	pos int64
}

func (f *inFlakyFile) Read(b []byte) (int, error) {
	if size := f.Info().Size; f.pos >= size/4 && f.pos < size*3/4 {
		return 0, errors.New("disk on fire")
	}
	n, err := f.File.Read(b)
	f.pos += int64(n)
	return n, err
}

func (f *inFlakyFile) Seek(off int64, whence int) (int64, error) {
	n, err := f.File.Seek(off, whence)
	f.pos = n
	return n, err
}

func (s inFlakyStore) GetObject(ctx context.Context, bucket, key string) (storage.Object, error) {
	o, err := s.DirStore.GetObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	return &inFlakyFile{File: o.(enginetest.File)}, nil
}

func TestInputStorageErrorIsTransient(t *testing.T) {
	t.Parallel()
	// Large enough (a few MB) that the AVIO buffer cannot swallow it whole.
	clip := enginetest.Clip(t, "flaky.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=4,noise=alls=60:allf=t",
		"-c:v", "libx264", "-preset", "ultrafast")
	dir := t.TempDir()
	enginetest.Put(t, dir, "b", "f.mp4", clip)
	// The header and the index (at the end) read fine; the packets do not.
	in, err := libav.OpenInput(context.Background(), inFlakyStore{enginetest.DirStore{Dir: dir}}, "b", "f.mp4", 0)
	require.NoError(t, err)
	defer in.Close()
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	for err == nil {
		err = in.Format.ReadFrame(pkt)
		pkt.Unref()
	}
	err = in.ReadError(context.Background(), err)
	require.Error(t, err)
	require.True(t, osserr.IsTransient(err), "%v", err)
	require.Contains(t, err.Error(), "disk on fire")
}
