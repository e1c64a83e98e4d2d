package ffmpeg

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

func TestProbeDescribesTheSource(t *testing.T) {
	t.Parallel()
	store := ctNewStore(t, nil)
	for _, tc := range []struct {
		key, container, vcodec, acodec string
		w, h, rotation                 int
		dur                            float64
	}{
		{"example.mkv", "matroska,webm", "vp9", "opus", 384, 216, 0, 12.008},
		{"pre.mov", "mov,mp4,m4a,3gp,3g2,mj2", "h264", "pcm_s16le", 320, 240, 0, 3},
		{"portrait.mp4", "mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac", 180, 320, 90, 2},
		{"sur1.aac", "aac", "", "aac", 0, 0, 0, 11.93},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			s, err := Probe(context.Background(), store, ctBucket, tc.key)
			require.NoError(t, err)
			require.Equal(t, tc.container, s.Container)
			require.Positive(t, s.Size)
			require.InDelta(t, tc.dur, s.Duration.Seconds(), 0.05)
			if tc.vcodec == "" {
				require.Nil(t, s.Video)
			} else {
				require.Equal(t, tc.vcodec, s.Video.Codec)
				require.Equal(t, [3]int{tc.w, tc.h, tc.rotation}, [3]int{s.Video.DisplayWidth, s.Video.DisplayHeight, s.Video.Rotation})
				require.Positive(t, s.Video.FPS)
			}
			require.Equal(t, tc.acodec, s.Audio.Codec)
			require.Positive(t, s.Audio.SampleRate)
		})
	}
	_, err := Probe(context.Background(), store, ctBucket, "truncated.mp4")
	require.True(t, osserr.Is(err, osserr.InvalidMedia), "%v", err)
	_, err = Probe(context.Background(), store, ctBucket, "missing.mp4")
	require.True(t, osserr.Is(err, osserr.NoSuchKey), "%v", err)
}

func TestPlanConcatFillsDefaultsFromTheAlignClip(t *testing.T) {
	t.Parallel()
	store := ctNewStore(t, nil)
	pl, err := parser.Parse("video/concat,ss_0,t_4000,f_mp4,vcodec_h264,acodec_aac,align_0/pre,o_" + ctB64("pre.mov") + ctSaveAs("o.mp4"))
	require.NoError(t, err)
	p, err := PlanConcat(context.Background(), store, ctBucket, "example.mkv", pl.Concat)
	require.NoError(t, err)
	require.Equal(t, "mp4", p.Format)
	require.InDelta(t, 7, p.Duration.Seconds(), 0.05, "3 s of pre.mov + 4 s of example.mkv")
	require.Equal(t, PlannedVideo{Codec: "h264", Width: 320, Height: 240, FPS: 30, PixFmt: "yuv420p",
		Bitrate: defaultVideoBitrate(320, 240, 30), GOP: pl.Concat.Video.GOP, ScaleType: "stretch", From: 0}, *p.Video)
	require.Equal(t, 0, p.Audio.From)
	require.Equal(t, 48000, p.Audio.SampleRate, "pre.mov's rate")

	pl, err = parser.Parse("video/concat,f_mp4,vcodec_h264,acodec_aac,align_1,s_640x/pre,o_" + ctB64("pre.mov") + ctSaveAs("o.mp4"))
	require.NoError(t, err)
	p, err = PlanConcat(context.Background(), store, ctBucket, "example.mkv", pl.Concat)
	require.NoError(t, err)
	require.Equal(t, [3]int{640, 360, 24}, [3]int{p.Video.Width, p.Video.Height, int(p.Video.FPS)}, "example.mkv's 16:9 and 24 fps")
	require.Equal(t, 1, p.Video.From)
}

func TestPlanSpriteMatchesTheCapture(t *testing.T) {
	t.Parallel()
	for _, style := range []string{
		"video/sprite,f_jpg,inter_1000,sw_96,tw_4,th_3",
		"video/sprite,f_png,m_avg,num_7,sw_64,tw_3,th_3,pad_5,margin_1",
		"video/sprite,f_jpg,m_key,ss_1500,sh_40,tw_10,th_1",
		"video/sprite,f_jpg,inter_30,num_20,sw_32",
	} {
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spPathStore, "../../testdata/videos/example.mkv", style, "s/{index}.jpg")
			plan, err := PlanSprite(context.Background(), job.Storage, job.Bucket, job.Object, job.Pipeline.Sprite)
			require.NoError(t, err)
			res, times, _ := spRun(t, job, true)
			require.Equal(t, times, plan.Times, "the planned cells are the captured frames")
			img, _ := spDecode(t, res.Outputs[0])
			require.Equal(t, plan.Sheet, [2]int{img.Bounds().Dx(), img.Bounds().Dy()})
			require.Equal(t, [2]int{384, 216}, plan.Source)
			require.InDelta(t, 12, plan.Duration.Seconds(), 0.1)
		})
	}
	job := spJob(t, spPathStore, "../../testdata/videos/example.mkv", "video/sprite,f_jpg,m_dhash", "s.jpg")
	plan, err := PlanSprite(context.Background(), job.Storage, job.Bucket, job.Object, job.Pipeline.Sprite)
	require.NoError(t, err)
	require.Nil(t, plan.Times, "dhash picks by picture: not planned")
	require.Equal(t, 12*time.Second, plan.Duration.Round(time.Second))
}
