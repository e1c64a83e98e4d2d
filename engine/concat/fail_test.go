package concat

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// ctBroken writes damaged copies of a clip: the middle overwritten with
// random bytes, and a faststart MP4 cut in half (index intact, data gone).
func ctBroken(t testing.TB) map[string]string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("../../testdata/videos/example.mkv")
	require.NoError(t, err)
	corrupt := append([]byte(nil), src...)
	_, err = rand.Read(corrupt[len(corrupt)/5 : len(corrupt)*9/10])
	require.NoError(t, err)

	fast := ctMakeClip(t, "fast.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-f", "lavfi", "-i", "sine=d=4",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart")
	whole, err := os.ReadFile(fast)
	require.NoError(t, err)

	files := map[string][]byte{
		"corrupt.mkv": corrupt,
		"cut.mp4":     whole[:len(whole)/2],
		"notes.mp4":   []byte("these are not the frames you are looking for\n"),
		"empty.mov":   nil,
		"garbage.mkv": make([]byte, 64<<10),
	}
	_, err = rand.Read(files["garbage.mkv"])
	require.NoError(t, err)
	out := map[string]string{}
	for k, b := range files {
		p := filepath.Join(dir, k)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		out[k] = p
	}
	return out
}

// A bad clip anywhere in the list fails the task with a permanent error
// that names it, and no output.
func TestConcatFailures(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, ctBroken(t))
	for _, tc := range []struct {
		clip string
		code osserr.Code
	}{
		{"missing.mp4", osserr.NoSuchKey},
		{"truncated.mp4", osserr.InvalidMedia},
		{"cut.mp4", osserr.InvalidMedia},
		{"corrupt.mkv", osserr.InvalidMedia},
		{"notes.mp4", osserr.InvalidMedia},
		{"empty.mov", osserr.InvalidMedia},
		{"garbage.mkv", osserr.InvalidMedia},
	} {
		t.Run(tc.clip, func(t *testing.T) {
			t.Parallel()
			for _, store := range []storage.Backend{store, enginetest.PathStore{DirStore: store}} {
				res, err := ctRun(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+enginetest.B64(tc.clip)+enginetest.SaveAs("out.mp4"))
				require.Nil(t, res)
				require.Error(t, err)
				e, ok := osserr.As(err)
				require.True(t, ok, "%T %v", err, err)
				require.Equal(t, tc.code.Name, e.Code.Name, e.Message)
				require.Contains(t, e.Message, "clip 2")
				require.Contains(t, e.Message, tc.clip)
			}
		})
	}
}

// An ss past the clip's end is refused, naming the clip.
func TestConcatStartPastEnd(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	_, err := ctRun(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+enginetest.B64("video_only.mp4")+",ss_5000"+enginetest.SaveAs("o.mp4"))
	require.True(t, osserr.Is(err, osserr.InvalidArgument), "%v", err)
	require.Contains(t, err.Error(), "clip 2")
}

// Many tasks, good and failing, do not grow the process: every libav
// object is freed on every path. The allocator's arenas settle during a
// warm-up and can still step once later, so the smallest of three equal
// windows is judged: a real leak grows all of them.
func TestConcatNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("leak check runs many tasks")
	}
	store := enginetest.NewStore(t, ctBroken(t))
	good := "video/concat,f_mp4,vcodec_h264,acodec_aac,t_300,s_640x480/sur,o_" + enginetest.B64("example.mkv") + ",ss_10000,t_300" + enginetest.SaveAs("o.mp4")
	bad := "video/concat,f_mp4,vcodec_h264,acodec_aac,t_300,s_640x480/sur,o_" + enginetest.B64("corrupt.mkv") + enginetest.SaveAs("o.mp4")
	round := func(n int) int64 {
		for i := 0; i < n; i++ {
			_, err := ctRun(t, store, "pre.mov", good)
			require.NoError(t, err)
			_, err = ctRun(t, store, "pre.mov", bad)
			require.Error(t, err)
		}
		return enginetest.RSS(t)
	}
	round(25) // glibc adds arenas as codec threads come and go, then settles
	// 200 tasks in all: the warm-up's 50, then three windows of 50.
	rss := []int64{enginetest.RSS(t), round(25), round(25), round(25)}
	t.Logf("RSS after warm-up and each further 50 tasks (KiB): %v", rss)
	// A leaked 640x480 frame per task alone would add 22 MiB per window;
	// allocator noise on a busy machine has been seen near 9 MiB.
	growth := min(rss[1]-rss[0], rss[2]-rss[1], rss[3]-rss[2])
	require.Less(t, growth, int64(12<<10), "RSS keeps growing")
}
