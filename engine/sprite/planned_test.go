package sprite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
)

// spPlan plans job's request.
func spPlan(t testing.TB, job *spTask) (*Planned, error) {
	t.Helper()
	return New(engine.DefaultConfig()).Plan(context.Background(), job.Pipeline.Sprite, engine.TaskOf(job.Job))
}

func TestPlanMatchesTheCapture(t *testing.T) {
	t.Parallel()
	example := filepath.Join(enginetest.Videos(t), "example.mkv")
	for _, style := range []string{
		"video/sprite,f_jpg,inter_1000,sw_96,tw_4,th_3",
		"video/sprite,f_png,m_avg,num_7,sw_64,tw_3,th_3,pad_5,margin_1",
		"video/sprite,f_jpg,m_key,ss_1500,sh_40,tw_10,th_1",
		"video/sprite,f_jpg,inter_30,num_20,sw_32",
	} {
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spPathStore, example, style, "s/{index}.jpg")
			plan, err := spPlan(t, job)
			require.NoError(t, err)
			res, times, _ := spRun(t, job, true)
			require.NotEmpty(t, times)
			require.Equal(t, times, plan.Times, "the planned cells are the captured frames")
			img, _ := enginetest.DecodeImage(t, res.Outputs[0])
			require.Equal(t, plan.Sheet, [2]int{img.Bounds().Dx(), img.Bounds().Dy()})
			require.Equal(t, [2]int{384, 216}, plan.Source)
			require.InDelta(t, 12, plan.Duration.Seconds(), 0.1)
		})
	}
	job := spJob(t, spPathStore, example, "video/sprite,f_jpg,m_dhash", "s.jpg")
	plan, err := spPlan(t, job)
	require.NoError(t, err)
	require.Nil(t, plan.Times, "dhash picks by picture: not planned")
	require.Contains(t, plan.Unplanned, "dhash")
	require.Equal(t, 12*time.Second, plan.Duration.Round(time.Second))

	job = spJob(t, spPathStore, example, "video/sprite,f_jpg,ss_13000", "s.jpg")
	_, err = spPlan(t, job)
	require.True(t, osserr.Is(err, osserr.InvalidArgument), "ss past the end fails as the run does: %v", err)
}

// On the awkward clocks (B-frames, VFR, a raw stream without timestamps,
// a TS starting at 10 s or wrapping, a cut fragmented MP4, an AVI without
// B-frames, a GIF) the planned times are still the captured ones.
func TestPlanMatchesTheCaptureOnAwkwardInputs(t *testing.T) {
	t.Parallel()
	cases := enginetest.ByKey(t, "rot270.mp4", "vfr600.mov", "raw.h264", "mjpeg.avi", "offset.ts", "wrap.ts", "fragcut.mp4", "anim.gif")
	enginetest.EachCase(t, cases, func(t *testing.T, tc enginetest.Case, _ string, store enginetest.PathStore) {
		for _, process := range []string{rbSpriteProcess, "video/sprite,f_png,tw_4,th_1,m_avg,num_3", "video/sprite,f_png,tw_4,th_1,m_key"} {
			t.Run(process, func(t *testing.T) {
				t.Parallel()
				job := spParsed(t, enginetest.Job(t, store, tc.Key, process+enginetest.SaveAs("s-{index}.png")))
				plan, err := spPlan(t, job)
				require.NoError(t, err)
				_, times, _ := spRun(t, job, true)
				require.NotEmpty(t, times)
				require.Equal(t, times, plan.Times)
				require.Empty(t, plan.Unplanned)
				require.Equal(t, [2]int{tc.W, tc.H}, plan.Source)
			})
		}
	})
}

// An AVI with B-frames has decoding timestamps only: the capture's frame
// times are the decoder's guesses (frame 0 at 40 ms), which the packets do
// not tell, so the plan gives none rather than wrong ones.
func TestPlanLeavesDecoderGuessedTimesOut(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.ByKey(t, "divx.avi"), func(t *testing.T, tc enginetest.Case, _ string, store enginetest.PathStore) {
		job := spParsed(t, enginetest.Job(t, store, tc.Key, rbSpriteProcess+enginetest.SaveAs("s-{index}.png")))
		plan, err := spPlan(t, job)
		require.NoError(t, err)
		require.Nil(t, plan.Times)
		require.Contains(t, plan.Unplanned, "decoding timestamps only")
		require.Equal(t, [2]int{tc.W, tc.H}, plan.Source)
		_, times, _ := spRun(t, job, true)
		require.Equal(t, 40*time.Millisecond, times[0], "the decoder's guess the plan cannot know")
	})
}
