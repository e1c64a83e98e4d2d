package enginetest

import (
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
)

// CaseFunc checks one case; store holds clip under the case's key and
// hands libav its local path (store.DirStore reads through custom AVIO).
type CaseFunc func(t *testing.T, tc Case, clip string, store PathStore)

// EachCase runs check on every case, each in a parallel subtest named
// after it.
func EachCase(t *testing.T, cases []Case, check CaseFunc) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			clip := tc.Clip(t)
			check(t, tc, clip, PathStore{DirStore: NewStore(t, map[string]string{tc.Key: clip})})
		})
	}
}

// ByKey returns the cases of these keys, in order.
func ByKey(t testing.TB, keys ...string) []Case {
	cases := make([]Case, len(keys))
	for i, k := range keys {
		cases[i] = CaseByKey(t, k)
	}
	return cases
}

// Want is how long the case's clip plays: Dur, else ffprobe's duration.
func (c Case) Want(t testing.TB, clip string) float64 {
	if c.Dur > 0 {
		return c.Dur
	}
	return FileDuration(t, clip)
}

// TrimCases are the clips whose streams are offset (edit lists, a TS
// starting at 10 s, late audio, VFR, odd containers) that both engines
// must trim from the container start onto the right frame.
func TrimCases(t testing.TB) []Case {
	return ByKey(t, "editlist.mp4", "offset.ts", "latea.mp4", "vfr600.mov", "mjpeg.avi", "vp8.webm", "anim.gif", "hdr.mp4")
}

// ProgressCases are the clips with awkward clocks (wrapping TS, TS
// starting at 10 s, late audio, edit list, raw stream without timestamps,
// VFR) on which both engines' progress is checked.
func ProgressCases(t testing.TB) []Case {
	return ByKey(t, "wrap.ts", "offset.ts", "latea.mp4", "editlist.mp4", "raw.h264", "vfr600.mov")
}

// RotatedCases are the phone clips turned by their display matrix.
func RotatedCases(t testing.TB) []Case {
	return ByKey(t, "rot90.mp4", "rot180.mp4", "rot270.mp4", "iphone.mp4")
}

// TrimEdge is a trim at the edge of an awkward clip (into the part where
// only one stream plays, past the end, on a raw stream whose length
// nothing declares) and what each engine must make of it.
type TrimEdge struct {
	Name, Key, Trim string
	Concat          float64     // concat's output length; 0: it fails
	Sprite          osserr.Code // sprite, for the trim's ss alone; zero Name: succeeds
}

// EachTrimEdge runs check on every trim edge, each in a parallel subtest
// whose store holds the edge's clip.
func EachTrimEdge(t *testing.T, check func(t *testing.T, e TrimEdge, store PathStore)) {
	t.Helper()
	for _, e := range []TrimEdge{
		{"into the audio after the video", "longa.mp4", "ss_1500", 0.5, osserr.InvalidArgument},
		{"before the late video", "latev.mp4", "ss_200,t_200", 0.2, osserr.Code{}},
		{"past a 3-frame clip", "three.mp4", "ss_600", 0, osserr.InvalidArgument},
		{"raw stream", "raw.h264", "ss_500", 0.5, osserr.Code{}},
		{"past a raw stream", "raw.h264", "ss_5000", 0, osserr.InvalidArgument},
		{"still image", "still.png", "ss_0,t_1000", 0.04, osserr.Code{}},
	} {
		c := CaseByKey(t, e.Key)
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			check(t, e, PathStore{DirStore: NewStore(t, map[string]string{e.Key: c.Clip(t)})})
		})
	}
}

// SS is the trim's ss parameter alone.
func (e TrimEdge) SS() string {
	ss := e.Trim
	if i := len("ss_"); len(ss) > i {
		for j := i; j < len(ss); j++ {
			if ss[j] == ',' {
				ss = ss[:j]
				break
			}
		}
	}
	return ss
}

// RequireProgress runs job and checks its progress: within 0–100, never
// going back, ending at 100.
func RequireProgress(t *testing.T, p queue.Processor, job *queue.Job) {
	t.Helper()
	var mu sync.Mutex
	var seen []int
	job.Progress = func(p int) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, p)
	}
	_, err := RunTask(t, p, job)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, seen)
	require.True(t, sort.IntsAreSorted(seen), "progress went back: %v", seen)
	require.GreaterOrEqual(t, seen[0], 0)
	require.Equal(t, 100, seen[len(seen)-1], "%v", seen)
}
