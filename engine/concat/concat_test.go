package concat

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// Two clips into MP4 H.264/AAC, read through custom AVIO and by local
// path: lengths add up, streams stay level.
func TestConcatTwoClipsMP4(t *testing.T) {
	t.Parallel()
	base := enginetest.NewStore(t, nil)
	for name, store := range map[string]storage.Backend{"avio": base, "path": enginetest.PathStore{DirStore: base}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := ctOne(t, store, "pre.mov",
				"video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+enginetest.B64("video_only.mp4")+enginetest.SaveAs("out.mp4"))
			p := enginetest.ProbeFile(t, out)
			v, a := p.Stream("video"), p.Stream("audio")
			require.GreaterOrEqual(t, v, 0)
			require.GreaterOrEqual(t, a, 0)
			require.Equal(t, "h264", p.Streams[v].CodecName)
			require.Equal(t, "aac", p.Streams[a].CodecName)
			require.Equal(t, 320, p.Streams[v].Width)
			require.Equal(t, 240, p.Streams[v].Height)
			require.InDelta(t, 30, enginetest.Rate(p.Streams[v].AvgFrameRate), 0.01)
			require.InDelta(t, 5.0, p.Duration(v), 0.1)
			require.InDelta(t, 5.0, p.Duration(a), 0.1)
			require.InDelta(t, 150, ctDecode(t, out).Video, 1)
		})
	}
}

// Every kind of test clip in one job, each cut to 1 s (the 10-bit HEVC, the
// portrait phone clip, the VFR one, the odd-sized one, audio-only and
// video-only ones): one consistent stream, levels kept at every join, and
// progress reported up to 100.
func TestConcatEverything(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	clips := []string{"example.mkv", "sur1.aac", "video_only.mp4", "portrait.mp4", "vfr.mp4", "odd.mp4", "hevc10.mp4"}
	process := "video/concat,t_1000,f_mp4,vcodec_h264,acodec_aac,s_320x240,scaletype_fit,fps_25,ar_44100,ac_2"
	for _, c := range clips {
		process += "/sur,o_" + enginetest.B64(c) + ",ss_500,t_1000"
	}
	process += enginetest.SaveAs("all/{index}-{resolution}.{autoext}")
	_, err := parser.Parse(process)
	require.NoError(t, err)
	var progress []int
	job := &queue.Job{
		Bucket: enginetest.Bucket, Object: "pre.mov", Process: process, Storage: store, WorkDir: t.TempDir(), Threads: 2,
		Progress: func(pct int) { progress = append(progress, pct) },
	}
	res, err := New(engine.Config{VideoPreset: "ultrafast"}).Process(context.Background(), job)
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	require.Equal(t, "all/1-320x240.mp4", res.Outputs[0].Key)

	pr := enginetest.ProbeFile(t, res.Outputs[0].Path)
	v, a := pr.Stream("video"), pr.Stream("audio")
	require.Equal(t, 320, pr.Streams[v].Width)
	require.Equal(t, 240, pr.Streams[v].Height)
	require.Equal(t, "44100", pr.Streams[a].SampleRate)
	require.InDelta(t, 8.0, pr.Duration(v), 0.05)
	require.InDelta(t, 8.0, pr.Duration(a), 0.05)
	dec := ctDecode(t, res.Outputs[0].Path)
	require.Equal(t, 200, dec.Video)
	require.InDelta(t, 8.0, dec.AudioSeconds, 0.05)

	require.NotEmpty(t, progress)
	require.Equal(t, 100, progress[len(progress)-1])
	require.IsNonDecreasing(t, progress)
	require.Greater(t, len(progress), 10)
}

// A cancelled context stops the task with the context's error.
func TestConcatCancel(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	process := "video/concat,f_mp4,vcodec_h264,acodec_aac" + enginetest.SaveAs("c.mp4")
	_, err := parser.Parse(process)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	job := &queue.Job{
		Bucket: enginetest.Bucket, Object: "example.mkv", Process: process, Storage: store, WorkDir: t.TempDir(), Threads: 2,
		Progress: func(pct int) {
			if pct >= 10 {
				cancel()
			}
		},
	}
	res, err := New(engine.Config{VideoPreset: "ultrafast"}).Process(ctx, job)
	require.Nil(t, res)
	require.ErrorIs(t, err, context.Canceled)
}

// An MP3 with cover art is an audio clip: its picture is not video.
func TestConcatCoverArt(t *testing.T) {
	t.Parallel()
	mp3 := ctMakeClip(t, "song.mp3", "-f", "lavfi", "-i", "sine=d=2", "-f", "lavfi", "-i", "color=red:s=64x64:d=1",
		"-map", "0", "-map", "1", "-frames:v", "1", "-c:a", "libmp3lame", "-c:v", "mjpeg", "-disposition:v", "attached_pic")
	store := enginetest.NewStore(t, map[string]string{"song.mp3": mp3})
	out := ctOne(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+enginetest.B64("song.mp3")+enginetest.SaveAs("c.mp4"))
	p := enginetest.ProbeFile(t, out)
	require.InDelta(t, 5.0, p.Duration(p.Stream("video")), 0.1)
	require.InDelta(t, 5.0, p.Duration(p.Stream("audio")), 0.1)
	_, _, y := ctGray(t, out, 4)
	require.Less(t, int(y[len(y)/2]), 30, "black, not the red cover")
}

// A clip whose audio track is much shorter than its video, cut with t
// before the video ends, is neither "truncated" nor short: its silence is
// padded up to t.
func TestConcatShortAudioTrack(t *testing.T) {
	t.Parallel()
	clip := ctMakeClip(t, "short.mp4", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=6", "-f", "lavfi", "-i", "sine=d=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac")
	store := enginetest.NewStore(t, map[string]string{"short.mp4": clip})
	out := ctOne(t, store, "short.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac,t_4000"+enginetest.SaveAs("s.mp4"))
	p := enginetest.ProbeFile(t, out)
	require.InDelta(t, 4.0, p.Duration(p.Stream("video")), 0.05)
	require.InDelta(t, 4.0, p.Duration(p.Stream("audio")), 0.05)
}

// MP4 clips whose last AAC packet is shorter than the frame it decodes to
// (-shortest cut the tone at 1 s): joins add no time, 3 × 1 s is 3 s and
// 75 frames.
func TestConcatShortLastAudioPacket(t *testing.T) {
	t.Parallel()
	clip := ctMakeClip(t, "one.mp4", "-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=1", "-f", "lavfi", "-i", "sine=r=44100:d=1",
		"-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
	store := enginetest.NewStore(t, map[string]string{"a.mp4": clip, "b.mp4": clip, "c.mp4": clip})
	out := ctOne(t, store, "b.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_"+enginetest.B64("a.mp4")+"/sur,o_"+enginetest.B64("c.mp4")+enginetest.SaveAs("o.mp4"))
	p := enginetest.ProbeFile(t, out)
	require.InDelta(t, 3.0, p.FormatDuration(), 0.03)
	require.InDelta(t, 3.0, p.Duration(p.Stream("audio")), 0.03)
	require.Equal(t, 75, ctDecode(t, out).Video)
}

// A clip whose default audio track is in a codec this FFmpeg cannot decode
// (as a recent iPhone's spatial-audio track) uses its other audio track.
func TestConcatSkipsUndecodableTrack(t *testing.T) {
	t.Parallel()
	src := ctMakeClip(t, "two.avi", "-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=1", "-f", "lavfi", "-i", "sine=f=300:d=1",
		"-f", "lavfi", "-i", "sine=f=600:d=1", "-map", "0", "-map", "1", "-map", "2", "-c:v", "mjpeg", "-c:a", "pcm_s16le")
	b := ctReadFile(t, src)
	first := bytes.Index(b, []byte("strf"))
	second := first + 4 + bytes.Index(b[first+4:], []byte("strf"))
	copy(b[second+8:], []byte{0x77, 0x77}) // the first audio track's wFormatTag: unknown
	bad := filepath.Join(t.TempDir(), "unknown.avi")
	require.NoError(t, os.WriteFile(bad, b, 0o644))

	store := enginetest.NewStore(t, map[string]string{"unknown.avi": bad})
	out := ctOne(t, store, "unknown.avi", "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("u.mp4"))
	require.InDelta(t, 1.0, ctDecode(t, out).AudioSeconds, 0.05)
}
