package ffmpeg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// inDirStore is a minimal test backend over a directory (dir/bucket/key):
// enough for the engines, which only read objects. It does not implement
// LocalPather, so libav reads it through the custom AVIO callbacks.
type inDirStore struct{ dir string }

// inPathStore is inDirStore that also hands libav local paths.
type inPathStore struct{ inDirStore }

func (s inPathStore) LocalPath(_ context.Context, bucket, key string) (string, error) {
	p := filepath.Join(s.dir, bucket, key)
	if _, err := os.Stat(p); err != nil {
		return "", osserr.New(osserr.NoSuchKey, "no key %s", key)
	}
	return p, nil
}

type inFile struct {
	*os.File
	info storage.ObjectInfo
}

func (f inFile) Info() storage.ObjectInfo { return f.info }

var errInStoreReadOnly = errors.New("test store is read-only")

func (s inDirStore) CreateBucket(context.Context, string) error { return errInStoreReadOnly }
func (s inDirStore) DeleteBucket(context.Context, string) error { return errInStoreReadOnly }
func (s inDirStore) ListBuckets(context.Context) ([]storage.Bucket, error) {
	return nil, errInStoreReadOnly
}
func (s inDirStore) StatBucket(context.Context, string) (storage.Bucket, error) {
	return storage.Bucket{}, errInStoreReadOnly
}
func (s inDirStore) PutObject(context.Context, string, string, io.Reader, storage.PutOptions) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, errInStoreReadOnly
}
func (s inDirStore) DeleteObject(context.Context, string, string) error { return errInStoreReadOnly }
func (s inDirStore) ListObjects(context.Context, string, storage.ListOptions) (storage.ListPage, error) {
	return storage.ListPage{}, errInStoreReadOnly
}

func (s inDirStore) StatObject(_ context.Context, bucket, key string) (storage.ObjectInfo, error) {
	st, err := os.Stat(filepath.Join(s.dir, bucket, key))
	if err != nil {
		return storage.ObjectInfo{}, osserr.New(osserr.NoSuchKey, "no key %s", key)
	}
	return storage.ObjectInfo{Bucket: bucket, Key: key, Size: st.Size()}, nil
}

func (s inDirStore) GetObject(ctx context.Context, bucket, key string) (storage.Object, error) {
	info, err := s.StatObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(s.dir, bucket, key))
	if err != nil {
		return nil, err
	}
	return inFile{f, info}, nil
}

// inStores returns both flavours of test backend over dir, by name.
func inStores(dir string) map[string]storage.Backend {
	return map[string]storage.Backend{"avio": inDirStore{dir}, "path": inPathStore{inDirStore{dir}}}
}

// inClips makes each clip once per test binary: parallel tests share one
// encode. Test-only state.
var inClips sync.Map

// inClip makes a clip with the ffmpeg CLI and returns its path. args are
// the CLI arguments between the global options and the output name; name
// gives the extension. Clips are kept in a cache directory under the system
// temp dir, keyed by a hash of name and args, so reruns skip the encode;
// a clip is written under a temporary name and renamed, so concurrent test
// processes never see a partial file.
func inClip(t testing.TB, name string, args ...string) string {
	t.Helper()
	key := name + "\x00" + strings.Join(args, "\x00")
	v, _ := inClips.LoadOrStore(key, sync.OnceValues(func() (string, error) {
		dir := filepath.Join(os.TempDir(), "ossemu-test-clips")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		sum := sha256.Sum256([]byte(key))
		out := filepath.Join(dir, hex.EncodeToString(sum[:8])+"-"+name)
		if _, err := os.Stat(out); err == nil {
			return out, nil
		}
		tmp := filepath.Join(dir, hex.EncodeToString(sum[:8])+"-"+strconv.Itoa(os.Getpid())+".tmp-"+name)
		cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...), tmp)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			os.Remove(tmp)
			return "", errors.New(string(b))
		}
		return out, os.Rename(tmp, out)
	}))
	p, err := v.(func() (string, error))()
	require.NoError(t, err)
	return p
}

// inPut copies src into dir as bucket/key.
func inPut(t testing.TB, dir, bucket, key, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	inPutBytes(t, dir, bucket, key, b)
}

func inPutBytes(t testing.TB, dir, bucket, key string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, bucket, key)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, b, 0o644))
}

// inDecodeAll decodes every packet of the decoder's stream and returns the
// frame count.
func inDecodeAll(t *testing.T, in *Input, dec *Decoder) int {
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
	clip := inClip(t, "av.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:duration=2",
		"-f", "lavfi", "-i", "sine=duration=2", "-map", "1:a", "-map", "0:v",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-c:a", "aac")
	dir := t.TempDir()
	inPut(t, dir, "bkt", "dir/av.mp4", clip)
	for name, store := range inStores(dir) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in, err := OpenInput(context.Background(), store, "bkt", "dir/av.mp4")
			require.NoError(t, err)
			defer in.Close()
			v := in.BestStream(astiav.MediaTypeVideo)
			require.NotNil(t, v)
			require.Equal(t, 1, v.Index())
			a := in.BestStream(astiav.MediaTypeAudio)
			require.NotNil(t, a)
			require.Equal(t, 0, a.Index())
			require.InDelta(t, 2.0, in.Duration(v).Seconds(), 0.1)
			require.Equal(t, 0, Rotation(v))
			dec, err := in.OpenDecoder(v, 2, nil)
			require.NoError(t, err)
			require.Equal(t, 60, inDecodeAll(t, in, dec))
		})
	}
}

func TestOpenInputKeyframesOnlyAndFlush(t *testing.T) {
	t.Parallel()
	clip := inClip(t, "gop.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:duration=4",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0")
	dir := t.TempDir()
	inPut(t, dir, "b", "gop.mp4", clip)
	in, err := OpenInput(context.Background(), inDirStore{dir}, "b", "gop.mp4")
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
	inPut(t, dir, "b", "p.mp4", "../../testdata/videos/portrait.mp4")
	in, err := OpenInput(context.Background(), inPathStore{inDirStore{dir}}, "b", "p.mp4")
	require.NoError(t, err)
	defer in.Close()
	require.Equal(t, 90, Rotation(in.BestStream(astiav.MediaTypeVideo)))
}

func TestOpenInputFailures(t *testing.T) {
	t.Parallel()
	clip := inClip(t, "trunc.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30:duration=2",
		"-c:v", "libx264", "-preset", "ultrafast")
	whole, err := os.ReadFile(clip)
	require.NoError(t, err)
	dir := t.TempDir()
	inPutBytes(t, dir, "b", "junk.mp4", []byte(strings.Repeat("this is not a video ", 500)))
	inPutBytes(t, dir, "b", "empty.mp4", nil)
	inPutBytes(t, dir, "b", "cut.mp4", whole[:len(whole)/2]) // index at the end is lost
	for name, store := range inStores(dir) {
		for _, key := range []string{"junk.mp4", "empty.mp4", "cut.mp4"} {
			t.Run(name+"/"+key, func(t *testing.T) {
				t.Parallel()
				_, err := OpenInput(context.Background(), store, "b", key)
				require.Error(t, err)
				require.True(t, osserr.Is(err, osserr.InvalidMedia), "%v", err)
				require.Contains(t, err.Error(), "b/"+key)
			})
		}
		t.Run(name+"/missing", func(t *testing.T) {
			t.Parallel()
			_, err := OpenInput(context.Background(), store, "b", "nope.mp4")
			require.True(t, osserr.Is(err, osserr.NoSuchKey), "%v", err)
		})
	}
}

// inFlakyStore serves objects whose middle half cannot be read, as a
// storage backend with a failing disk would.
type inFlakyStore struct{ inDirStore }

type inFlakyFile struct {
	inFile
	pos int64
}

func (f *inFlakyFile) Read(b []byte) (int, error) {
	if size := f.info.Size; f.pos >= size/4 && f.pos < size*3/4 {
		return 0, errors.New("disk on fire")
	}
	n, err := f.inFile.Read(b)
	f.pos += int64(n)
	return n, err
}

func (f *inFlakyFile) Seek(off int64, whence int) (int64, error) {
	n, err := f.inFile.Seek(off, whence)
	f.pos = n
	return n, err
}

func (s inFlakyStore) GetObject(ctx context.Context, bucket, key string) (storage.Object, error) {
	o, err := s.inDirStore.GetObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	return &inFlakyFile{inFile: o.(inFile)}, nil
}

func TestInputStorageErrorIsTransient(t *testing.T) {
	t.Parallel()
	// Large enough (a few MB) that the AVIO buffer cannot swallow it whole.
	clip := inClip(t, "flaky.mp4", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=4,noise=alls=60:allf=t",
		"-c:v", "libx264", "-preset", "ultrafast")
	dir := t.TempDir()
	inPut(t, dir, "b", "f.mp4", clip)
	// The header and the index (at the end) read fine; the packets do not.
	in, err := OpenInput(context.Background(), inFlakyStore{inDirStore{dir}}, "b", "f.mp4")
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
