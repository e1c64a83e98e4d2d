package concat

import (
	"strings"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
)

func TestVideoFilterSpec(t *testing.T) {
	t.Parallel()
	out := videoShape{Width: 1280, Height: 720, PixFmt: astiav.PixelFormatYuv420P, Rate: astiav.NewRational(25, 1), Scale: parser.Fill}
	for _, tc := range []struct {
		name string
		src  videoSource
		want string
	}{
		{"portrait phone clip, 30 fps: fps first, turned, pillarboxed",
			videoSource{Width: 1920, Height: 1080, Rotation: 90, Rate: 30},
			"fps=fps=25/1:start_time=0.000000,transpose=clock,scale=406:720:flags=bicubic,pad=1280:720:437:0:black,setsar=1,format=pix_fmts=yuv420p"},
		{"upside down, 24 fps: fps last",
			videoSource{Width: 640, Height: 360, Rotation: 180, Rate: 24},
			"hflip,vflip,scale=1280:720:flags=bicubic,setsar=1,format=pix_fmts=yuv420p,fps=fps=25/1:start_time=0.000000"},
		{"anamorphic 720x576 16:9",
			videoSource{Width: 720, Height: 576, SAR: astiav.NewRational(64, 45), Rate: 25},
			"scale=1280:720:flags=bicubic,setsar=1,format=pix_fmts=yuv420p,fps=fps=25/1:start_time=0.000000"},
	} {
		require.Equal(t, tc.want, videoFilterSpec(tc.src, out, 0), tc.name)
	}
	crop := out
	crop.Scale = parser.Crop
	require.Equal(t, "scale=1280:960:flags=bicubic,crop=1280:720:0:120,setsar=1,format=pix_fmts=yuv420p,fps=fps=25/1:start_time=0.000000",
		videoFilterSpec(videoSource{Width: 640, Height: 480, Rate: 25}, crop, 0))
	require.Contains(t, videoFilterSpec(videoSource{Width: 640, Height: 480, Rate: 25}, out, 12.5), "start_time=12.500000")
}

func TestAudioFilterSpec(t *testing.T) {
	t.Parallel()
	shape := libav.AudioShape{SampleRate: 48000, Layout: astiav.ChannelLayoutStereo, Format: astiav.SampleFormatFltp}
	require.Equal(t, "atrim=start=0.000000,aresample=48000:async=1:first_pts=0,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo",
		audioFilterSpec(0, shape, 0))
	s := audioFilterSpec(10, shape, 2)
	require.True(t, strings.HasPrefix(s, "atrim=start=2.000000:end=10.000000,aresample=48000:async=1:first_pts=96000,"), s)
}

func TestFitSizes(t *testing.T) {
	t.Parallel()
	w, h := containSize(1920, 1080, 640, 640)
	require.Equal(t, []int{640, 360}, []int{w, h})
	w, h = containSize(1080, 1920, 1280, 720)
	require.Equal(t, []int{406, 720}, []int{w, h})
	w, h = coverSize(1920, 1080, 640, 640)
	require.Equal(t, []int{1138, 640}, []int{w, h})
	require.Equal(t, 320, evenDown(321.9))
	require.Equal(t, 2, evenDown(1))
}

func TestPlanHelpers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"yuvj420p": "yuv420p", "nv12": "yuv420p", "yuv420p10le": "yuv420p10le", "p010le": "yuv420p10le",
		"yuv422p": "yuv422p", "yuv444p12le": "yuv444p10le", "gbrp": "yuv444p", "rgb24": "yuv444p",
	} {
		require.Equal(t, want, pixFmtFamily(in), in)
	}
	require.Equal(t, astiav.NewRational(30000, 1001), rateRational(29.97))
	require.Equal(t, astiav.NewRational(25, 1), rateRational(25))
	require.Equal(t, astiav.NewRational(25, 2), rateRational(12.5))
	require.Equal(t, int64(192_000), nearestAC3(200_000))
	require.Equal(t, int64(5_184_000), defaultVideoBitrate(1920, 1080, 25))
}
