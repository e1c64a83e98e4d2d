package ffmpeg

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// rbTimeout bounds one task: a hang fails the test instead of stalling CI.
const rbTimeout = 90 * time.Second

// rbOutcome is what an input must lead to.
type rbOutcome int

const (
	rbOK       rbOutcome = iota // success with checked properties
	rbInvalid                   // a clean InvalidMedia naming the object
	rbOKorFail                  // either (damaged data libav may or may not get through)
)

// rbCase is one awkward input and what both engines must make of it.
type rbCase struct {
	name string
	key  string // object key; some demuxers want the extension
	clip func(t testing.TB) string

	concat, sprite rbOutcome
	w, h           int     // upright display size of the source
	dur            float64 // expected length in s; 0: ffprobe's duration of the input
	cells          int     // sprite cells for inter_500 on a 4×1 sheet
	frames         bool    // sprite cells must match the CLI's frames at 0, 0.5 s, …
	topWhite       bool    // upright picture is white on top, black below
	gray           int     // the picture is flat gray at this full-range level
	spriteCode     osserr.Code
	audioOnly      bool // no video: concat makes 1280×720 black (alone)
	avgCells       int  // sprite cells for m_avg,num_3 (0: 3)
}

// rbRunTask runs a processor under a deadline and fails the test if it
// does not return (a hang) well after the deadline has passed.
func rbRunTask(t testing.TB, p queue.Processor, job *task) (*queue.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), rbTimeout)
	defer cancel()
	type ret struct {
		res *queue.Result
		err error
	}
	ch := make(chan ret, 1)
	go func() {
		// A panic would kill the whole test binary; report it as this
		// input's failure instead.
		defer func() {
			if r := recover(); r != nil {
				ch <- ret{nil, fmt.Errorf("panic: %v\n%s", r, debug.Stack())}
			}
		}()
		res, err := p.Process(ctx, job.Job)
		ch <- ret{res, err}
	}()
	select {
	case r := <-ch:
		require.NoError(t, ctx.Err(), "the task ran into its %v deadline", rbTimeout)
		return r.res, r.err
	case <-time.After(rbTimeout + 30*time.Second):
		t.Fatalf("the task did not return %v after its deadline", 30*time.Second)
		return nil, nil
	}
}

// rbJob is a task on media/key of store.
func rbJob(t testing.TB, store storage.Backend, key, process string) *task {
	t.Helper()
	astiav.SetLogLevel(astiav.LogLevelQuiet) // damaged inputs make libav chatty
	p, err := parser.Parse(process)
	require.NoError(t, err, process)
	return &task{Job: &queue.Job{
		TaskID: "t", Bucket: ctBucket, Object: key, Process: process, Storage: store,
		WorkDir: t.TempDir(), Threads: 2, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Progress: func(int) {},
	}, Pipeline: p}
}

// rbRequireFailure checks err is a clean permanent OSS error of the given
// code whose message names the object.
func rbRequireFailure(t testing.TB, res *queue.Result, err error, code osserr.Code, names ...string) {
	t.Helper()
	require.Nil(t, res)
	require.Error(t, err)
	e, ok := osserr.As(err)
	require.True(t, ok, "not an OSS error: %T %v", err, err)
	require.Equal(t, code.Name, e.Code.Name, e.Message)
	require.False(t, osserr.IsTransient(err), "a bad input must not be retried: %v", err)
	for _, n := range names {
		require.Contains(t, e.Message, n)
	}
}

// rbDuration is ffprobe's idea of a file's duration.
func rbDuration(t testing.TB, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).Output()
	require.NoError(t, err, path)
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	require.NoError(t, err, path)
	return d
}

// rbStreamDuration is how long a stream plays: from 0 (or its later
// first packet) to its last packet's end. Packets before 0 are the AAC
// encoder's priming, which the edit list hides (128 ms at 8 kHz).
func rbStreamDuration(p ctProbe, index int) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, k := range p.Packets {
		pts, err := strconv.ParseFloat(k.PtsTime, 64)
		if k.StreamIndex != index || err != nil {
			continue
		}
		d, _ := strconv.ParseFloat(k.DurTime, 64)
		lo, hi = math.Min(lo, math.Max(pts, 0)), math.Max(hi, pts+d)
	}
	if math.IsInf(lo, 0) {
		return 0
	}
	return hi - lo
}

// even rounds down to an even number, as 4:2:0 output needs.
func rbEven(v int) int { return max(v&^1, 2) }

func rbCheckConcat(t *testing.T, tc rbCase, clip string, store storage.Backend) {
	rbCheckConcatJob(t, tc, clip, rbJob(t, store, tc.key, "video/concat,f_mp4,vcodec_h264,acodec_aac"+ctSaveAs("out.mp4")), 0)
}

// rbCheckJoin plays the first second of pre.mov (320×240, 30 fps, PCM
// stereo) and then the clip, aligned on the clip: the join must keep
// audio and video together and take the clip's picture size.
func rbCheckJoin(t *testing.T, tc rbCase, clip string, store storage.Backend) {
	process := "video/concat,f_mp4,vcodec_h264,acodec_aac,align_1,ss_0,t_1000/sur,o_" + ctB64(tc.key)
	rbCheckConcatJob(t, tc, clip, rbJob(t, store, "pre.mov", process+ctSaveAs("out.mp4")), 1)
}

// rbCheckConcatJob runs job, whose clips play lead seconds before tc's.
func rbCheckConcatJob(t *testing.T, tc rbCase, clip string, job *task, lead float64) {
	t.Helper()
	res, err := rbRunTask(t, NewConcat(Config{VideoPreset: "ultrafast"}), job)
	if tc.concat == rbInvalid || (tc.concat == rbOKorFail && err != nil) {
		rbRequireFailure(t, res, err, osserr.InvalidMedia, fmt.Sprintf("clip %d", 1+int(lead)), tc.key)
		return
	}
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	out := res.Outputs[0].Path
	p := ctProbeFile(t, out)
	v, a := p.stream("video"), p.stream("audio")
	require.GreaterOrEqual(t, v, 0, "no video stream")
	require.GreaterOrEqual(t, a, 0, "no audio stream")
	require.Equal(t, "h264", p.Streams[v].CodecName)
	require.Equal(t, "aac", p.Streams[a].CodecName)
	if tc.concat == rbOKorFail {
		ctDecode(t, out) // whatever got through must play
		return
	}
	size := [2]int{rbEven(tc.w), rbEven(tc.h)}
	if tc.audioOnly && lead > 0 {
		size = [2]int{320, 240} // the first clip with video: pre.mov
	}
	require.Equal(t, size, [2]int{p.Streams[v].Width, p.Streams[v].Height}, "output size")
	want := tc.dur
	if want == 0 {
		want = rbDuration(t, clip)
	}
	want += lead
	vd, ad := rbStreamDuration(p, p.Streams[v].Index), rbStreamDuration(p, p.Streams[a].Index)
	require.InDelta(t, want, p.formatDuration(), 0.1, "duration (video %.3f s, audio %.3f s)", vd, ad)
	require.InDelta(t, vd, ad, 0.1, "audio and video lengths")
	require.Positive(t, ctDecode(t, out).Video)
	at := lead + min(0.5, (want-lead)/2) // inside the clip
	if tc.topWhite {
		w, h, y := ctGray(t, out, at)
		require.Greater(t, int(y[h/4*w+w/2]), 200, "top should be white")
		require.Less(t, int(y[h*3/4*w+w/2]), 60, "bottom should be black")
	}
	if tc.gray > 0 {
		w, h, y := ctGray(t, out, at)
		require.InDelta(t, tc.gray, int(y[h/2*w+w/2]), 6, "full-range level")
	}
}

// TestRobustInputs runs both engines on every awkward input and checks
// the outcome: a correct result, or a clean InvalidMedia naming the
// object; never a panic, a hang or an error without an OSS code.
func TestRobustInputs(t *testing.T) {
	t.Parallel()
	for _, tc := range rbCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clip := tc.clip(t)
			store := ctNewStore(t, map[string]string{tc.key: clip})
			stores := map[string]storage.Backend{"path": ctPathStore{store}, "avio": store}
			for sname, s := range stores {
				t.Run("sprite/"+sname, func(t *testing.T) {
					t.Parallel()
					rbCheckSprite(t, tc, clip, s, false)
				})
				t.Run("sprite-avg/"+sname, func(t *testing.T) {
					t.Parallel()
					rbCheckSprite(t, tc, clip, s, true)
				})
			}
			// A successful transcode is the costly part: one backend is
			// enough; failures are cheap and differ between the two.
			if tc.concat == rbOK {
				delete(stores, "avio")
			}
			for sname, s := range stores {
				t.Run("concat/"+sname, func(t *testing.T) {
					t.Parallel()
					rbCheckConcat(t, tc, clip, s)
				})
				t.Run("join/"+sname, func(t *testing.T) {
					t.Parallel()
					rbCheckJoin(t, tc, clip, s)
				})
			}
		})
	}
}
