package libav_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

func TestProbeDescribesTheSource(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	for _, tc := range []struct {
		key, container, vcodec, acodec string
		w, h, rotation                 int
		fps, dur                       float64
	}{
		{"example.mkv", "matroska,webm", "vp9", "opus", 384, 216, 0, 24, 12.008},
		{"pre.mov", "mov,mp4,m4a,3gp,3g2,mj2", "h264", "pcm_s16le", 320, 240, 0, 30, 3},
		{"portrait.mp4", "mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac", 180, 320, 90, 25, 2},
		{"sur1.aac", "aac", "", "aac", 0, 0, 0, 0, 11.93},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			s, err := libav.Probe(context.Background(), store, enginetest.Bucket, tc.key, 0)
			require.NoError(t, err)
			require.Equal(t, tc.container, s.Container)
			require.Positive(t, s.Size)
			require.InDelta(t, tc.dur, s.Duration.Seconds(), 0.05)
			if tc.vcodec == "" {
				require.Nil(t, s.Video)
			} else {
				require.Equal(t, tc.vcodec, s.Video.Codec)
				require.Equal(t, [3]int{tc.w, tc.h, tc.rotation}, [3]int{s.Video.DisplayWidth, s.Video.DisplayHeight, s.Video.Rotation})
				require.InDelta(t, tc.fps, s.Video.FPS, 0.01)
			}
			require.Equal(t, tc.acodec, s.Audio.Codec)
			require.Positive(t, s.Audio.SampleRate)
		})
	}
	_, err := libav.Probe(context.Background(), store, enginetest.Bucket, "truncated.mp4", 0)
	require.True(t, osserr.Is(err, osserr.InvalidMedia), "%v", err)
	_, err = libav.Probe(context.Background(), store, enginetest.Bucket, "missing.mp4", 0)
	require.True(t, osserr.Is(err, osserr.NoSuchKey), "%v", err)
}
