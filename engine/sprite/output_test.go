package sprite

import (
	"context"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// spWhite and spBlack check full-range output: limited-range white and
// black must come out as (almost) 255 and 0, not 235 and 16.
func spWhite(t *testing.T, img image.Image, x, y int, msg string) {
	t.Helper()
	c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
	require.True(t, c.R >= 245 && c.G >= 245 && c.B >= 245, "%s: (%d,%d) = %v, want white", msg, x, y, c)
}

func spBlack(t *testing.T, img image.Image, x, y int, msg string) {
	t.Helper()
	c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
	require.True(t, c.R <= 10 && c.G <= 10 && c.B <= 10, "%s: (%d,%d) = %v, want black", msg, x, y, c)
}

func TestSpriteScaleTypes(t *testing.T) {
	t.Parallel()
	// 320x240, the left quarter (x < 80) white, the rest black.
	clip := enginetest.Clip(t, "band.mp4", "-f", "lavfi", "-i",
		"color=black:s=320x240:r=10:d=1,drawbox=x=0:y=0:w=80:h=240:color=white:t=fill",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	for _, tc := range []struct {
		scaletype    string
		sheet        image.Point // tw_2, th_1, pad_3, margin_7, one frame
		white, black []image.Point
	}{
		// stretch: the band is 25 columns wide.
		{"stretch", image.Pt(217, 114), []image.Point{{7 + 20, 7 + 50}}, []image.Point{{7 + 30, 7 + 50}}},
		// crop: scaled to 133x100, 16 columns cut on the left: band 0–16.
		{"crop", image.Pt(217, 114), []image.Point{{7 + 10, 7 + 50}}, []image.Point{{7 + 20, 7 + 50}}},
		// fill: scaled to 100x75 with 12-row bars above and below.
		{"fill", image.Pt(217, 114), []image.Point{{7 + 10, 7 + 50}}, []image.Point{{7 + 10, 7 + 5}, {7 + 10, 7 + 95}, {7 + 30, 7 + 50}}},
		// fit: the cell is the fitted 100x75.
		{"fit", image.Pt(2*7+2*100+3, 2*7+75), []image.Point{{7 + 10, 7 + 5}}, []image.Point{{7 + 30, 7 + 5}}},
	} {
		t.Run(tc.scaletype, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spPathStore, clip, "video/sprite,f_png,sw_100,sh_100,num_1,tw_2,th_1,pad_3,margin_7,scaletype_"+tc.scaletype, "g/{index}")
			res, _, _ := spRun(t, job, true)
			img, _ := enginetest.DecodeImage(t, res.Outputs[0])
			require.Equal(t, tc.sheet, img.Bounds().Size())
			for _, p := range tc.white {
				spWhite(t, img, p.X, p.Y, tc.scaletype)
			}
			for _, p := range tc.black {
				spBlack(t, img, p.X, p.Y, tc.scaletype)
			}
			spBlack(t, img, 3, 50, "margin")
			spBlack(t, img, tc.sheet.X-20, 50, "empty cell")
		})
	}
}

func TestSpriteRotationAndRange(t *testing.T) {
	t.Parallel()
	// portrait.mp4 is stored 320x180 and displays 180x320 upright with a
	// white top half and a black bottom half.
	job := spJob(t, spAVIOStore, "../../testdata/videos/portrait.mp4", "video/sprite,f_png,sh_160,num_1,tw_1,th_1,pad_0,margin_0", "r/{index}")
	res, _, _ := spRun(t, job, true)
	img, format := enginetest.DecodeImage(t, res.Outputs[0])
	require.Equal(t, "png", format)
	require.Equal(t, "image/png", res.Outputs[0].ContentType)
	require.Equal(t, image.Pt(90, 160), img.Bounds().Size())
	spWhite(t, img, 45, 20, "top")
	spBlack(t, img, 45, 140, "bottom")
}

func TestSpriteNaming(t *testing.T) {
	t.Parallel()
	// 50 frames of 25 per sheet: two sheets.
	clip := "../../testdata/videos/portrait.mp4"
	for _, tc := range []struct {
		saveas string
		want   []string
	}{
		{"out/{index}.{autoext}", []string{"out/1.jpg", "out/2.jpg"}},
		{"out/{barename}-sprite", []string{"out/in-sprite_0_1.jpg", "out/in-sprite_0_2.jpg"}},
		{"out/last.jpg", []string{"out/last.jpg", "out/last.jpg"}},
	} {
		t.Run(tc.saveas, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spPathStore, clip, "video/sprite,f_jpg,sw_32,tw_5,th_5", tc.saveas)
			res, times, _ := spRun(t, job, true)
			require.Len(t, times, 50)
			var keys []string
			for _, o := range res.Outputs {
				keys = append(keys, o.Key)
				require.Equal(t, "src", o.Bucket)
			}
			require.Equal(t, tc.want, keys)
			require.NotEqual(t, res.Outputs[0].Path, res.Outputs[1].Path)
		})
	}
	t.Run("bucket template", func(t *testing.T) {
		t.Parallel()
		job := spJob(t, spPathStore, clip, "video/sprite,f_png,sw_32,num_1", "x")
		var err error
		job.Pipeline.SaveAs.Bucket, err = parser.ParseTemplate("{bucket}-out")
		require.NoError(t, err)
		res, _, _ := spRun(t, job, true)
		require.Equal(t, "src-out", res.Outputs[0].Bucket)
		require.Equal(t, "x_0_1.png", res.Outputs[0].Key)
	})
}

func TestSpriteFormats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		clip, process string
		want          []time.Duration
		sheet         image.Point
	}{
		{"hevc10.mp4", "video/sprite,f_jpg,inter_500,tw_2,th_2,pad_0,margin_0", // 25 fps: no frame at 0.5 s
			[]time.Duration{0, 520 * time.Millisecond, time.Second, 1520 * time.Millisecond}, image.Pt(640, 360)},
		// 50 fps for 1 s, then 15 fps on a 50 fps grid (1.06, 1.12, 1.2, …).
		{"vfr.mp4", "video/sprite,f_jpg,sw_64,inter_500,tw_6,th_1,pad_0,margin_0",
			[]time.Duration{0, 500 * time.Millisecond, time.Second, 1520 * time.Millisecond, 2 * time.Second, 2520 * time.Millisecond}, image.Pt(384, 36)},
		{"odd.mp4", "video/sprite,f_png,inter_1000,tw_2,th_1,pad_2,margin_2", spTimes(0, time.Second, 2), image.Pt(648, 245)},
		// Times count from the container start, as ffmpeg -ss does: the
		// Opus stream starts at -7 ms and the video at +7 ms.
		{"example.mkv", "video/sprite,f_jpg,sw_96,inter_3000,tw_4,th_1,pad_0,margin_0", spTimes(14*time.Millisecond, 3*time.Second, 4), image.Pt(384, 54)},
	} {
		t.Run(tc.clip, func(t *testing.T) {
			t.Parallel()
			clip := "../../testdata/videos/" + tc.clip
			res, times, _ := spRun(t, spJob(t, spAVIOStore, clip, tc.process, "f/{index}"), true)
			require.Len(t, times, len(tc.want))
			for i := range times {
				require.InDelta(t, tc.want[i].Seconds(), times[i].Seconds(), 0.0015, "frame %d", i)
			}
			_, flat, _ := spRun(t, spJob(t, spAVIOStore, clip, tc.process, "f/{index}"), false)
			require.Equal(t, flat, times)
			img, _ := enginetest.DecodeImage(t, res.Outputs[0])
			require.Equal(t, tc.sheet, img.Bounds().Size())
		})
	}
}

func TestSpriteDamagedMiddle(t *testing.T) {
	t.Parallel()
	// Garbage over a stretch in the middle of the media data: the damaged
	// frames are skipped or concealed and the task still succeeds.
	clip := spGOPClip(t)
	b, err := os.ReadFile(clip)
	require.NoError(t, err)
	for i := len(b) * 2 / 5; i < len(b)*2/5+4000; i++ {
		b[i] = byte(i * 7)
	}
	damaged := filepath.Join(t.TempDir(), "damaged.mp4")
	require.NoError(t, os.WriteFile(damaged, b, 0o644))
	res, times, _ := spRun(t, spJob(t, spAVIOStore, damaged, "video/sprite,f_jpg,sw_80,inter_1000,tw_5,th_2", "dm/{index}"), true)
	require.GreaterOrEqual(t, len(times), 8)
	require.Len(t, res.Outputs, 1)
}

func TestSpriteFailures(t *testing.T) {
	t.Parallel()
	gop := spGOPClip(t)
	// Video for 2 s in a 5 s file (the audio runs on).
	shortVideo := enginetest.Clip(t, "shortvideo.mp4", "-f", "lavfi", "-i", "testsrc=s=160x120:r=25:d=2",
		"-f", "lavfi", "-i", "sine=d=5", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
	shortVideoMKV := enginetest.Clip(t, "shortvideo.mkv", "-i", shortVideo, "-c", "copy")
	junk := t.TempDir() + "/junk.mp4"
	require.NoError(t, os.WriteFile(junk, []byte("definitely not a video, just text"), 0o644))
	for _, tc := range []struct {
		name, clip, process string
		code                osserr.Code
		msg                 string
		decodes             bool
	}{
		{"junk", junk, "video/sprite,f_jpg", osserr.InvalidMedia, "src/in.mp4", false},
		{"truncated", "../../testdata/videos/truncated.mp4", "video/sprite,f_jpg", osserr.InvalidMedia, "src/in.mp4", false},
		{"audio only", "../../testdata/videos/sur1.aac", "video/sprite,f_jpg", osserr.InvalidMedia, "no video stream", false},
		{"ss past the end", gop, "video/sprite,f_jpg,ss_12000", osserr.InvalidArgument, "ss 12000 ms", false},
		{"video shorter than ss", shortVideo, "video/sprite,f_jpg,ss_3000", osserr.InvalidArgument, "ss 3000 ms is not before the end of the video", false},
		// Matroska records no per-stream duration: only decoding finds out.
		{"video shorter than ss in mkv", shortVideoMKV, "video/sprite,f_jpg,ss_3000", osserr.InvalidArgument, "no video frame at or after ss 3000 ms", true},
		{"sheet over 16384", gop, "video/sprite,f_jpg,sw_4000,tw_4,th_6", osserr.InvalidArgument, "exceeds 16384x16384", false},
		{"sheet over 16384 by percent", gop, "video/sprite,f_jpg,psw_200,psh_200,tw_30,th_2", osserr.InvalidArgument, "exceeds 16384x16384", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			job := spJob(t, spAVIOStore, tc.clip, tc.process, "e/{index}")
			if !tc.decodes {
				job.Progress = func(int) { t.Error("progress reported: frames were decoded") }
			}
			res, _, err := spRunJob(context.Background(), job, true)
			require.Nil(t, res)
			require.True(t, osserr.Is(err, tc.code), "%v", err)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
	t.Run("missing object", func(t *testing.T) {
		t.Parallel()
		job := spJob(t, spAVIOStore, gop, "video/sprite,f_jpg", "e/{index}")
		job.Object = "nope.mp4"
		_, err := New(engine.DefaultConfig()).Process(context.Background(), job.Job)
		require.True(t, osserr.Is(err, osserr.NoSuchKey), "%v", err)
	})
}
