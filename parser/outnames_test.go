package parser

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOutputKeyRules(t *testing.T) {
	t.Parallel()
	v := Vars{Bucket: "b", Key: "dir/in.mp4", Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Index: 7, Resolution: "64x48"}
	tmpl := func(s string) Template {
		tm, err := ParseTemplate(s)
		require.NoError(t, err)
		return tm
	}
	require.Equal(t, "s/{barename}", tmpl("s/{barename}").String())
	require.Equal(t, "s/in_0_7.jpg", SheetKey(tmpl("s/{barename}"), v, "jpg"))
	require.Equal(t, "s/in-7.png", SheetKey(tmpl("s/{barename}-{index}.png"), v, "png"))
	require.Equal(t, "s/sheet.jpg", SheetKey(tmpl("s/sheet.jpg"), v, "jpg"), "one name: the last sheet wins")
	require.Equal(t, "seg/in_7.ts", SegmentKey(tmpl("seg/{barename}.ts"), v))
	require.Equal(t, "seg/in-7.ts", SegmentKey(tmpl("seg/{barename}-{index}.ts"), v))
	require.Equal(t, "seg.d/x_7", SegmentKey(tmpl("seg.d/x"), v), "a dot in a directory is no extension")
	require.Equal(t, "seg/in.m3u8", CompanionKey(tmpl("seg/{barename}-{index}.ts"), v, "m3u8", "playlist"))
	require.Equal(t, "seg/playlist.m3u8", CompanionKey(tmpl("seg/{index}.ts"), v, "m3u8", "playlist"))
	require.Equal(t, "s/in.vtt", CompanionKey(tmpl("s/{barename}-{index}.jpg"), v, "vtt", "sprite"))
}

func TestCompanionKey(t *testing.T) {
	t.Parallel()
	v := Vars{Bucket: "b", Key: "videos/movie.mp4", Index: 1, AutoExt: "jpg"}
	for _, tc := range []struct{ tmpl, ext, fallback, want string }{
		{"out/seg-{index}.ts", "m3u8", "playlist", "out/seg.m3u8"},
		{"out/{index}.ts", "m3u8", "playlist", "out/playlist.m3u8"},
		{"thumbs/{barename}-{index}.{autoext}", "vtt", "sprite", "thumbs/movie.vtt"},
		{"{dirname}/{barename}_{index}", "vtt", "sprite", "videos/movie.vtt"},
		{"sheet.jpg", "vtt", "sprite", "sheet.vtt"},
		{"name", "vtt", "sprite", "name.vtt"},
	} {
		tmpl, err := ParseTemplate(tc.tmpl)
		require.NoError(t, err)
		require.Equal(t, tc.want, CompanionKey(tmpl, v, tc.ext, tc.fallback), tc.tmpl)
	}
}

func TestCheckOutputNames(t *testing.T) {
	t.Parallel()
	v := Vars{Bucket: "b", Key: "in.mp4", Time: time.Now()}
	check := func(process string) error {
		p, err := Parse(process)
		require.NoError(t, err, process)
		return p.CheckOutputNames(v)
	}
	o := func(s string) string { return b64(s) }
	require.NoError(t, check("video/sprite,f_jpg|sys/saveas,o_"+o(strings.Repeat("a", 1008)+"-{index}.jpg")))
	require.ErrorContains(t, check("video/sprite,f_jpg|sys/saveas,o_"+o(strings.Repeat("a", 1009)+"-{index}.jpg")), "1024 bytes")
	// A concat writes one output numbered 1, so {index} is one digit.
	require.NoError(t, check("video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_"+o(strings.Repeat("a", 1018)+"{index}.mp4")))
	// Without video, {resolution} is empty: ".{resolution}." becomes "..".
	require.ErrorContains(t, check("video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_"+o("a/.{resolution}./b.mp4")), "'..' segment")
	// The TS playlist may be longer than the segments (".m3u8" for no extension).
	require.ErrorContains(t, check("video/concat,f_ts,vcodec_h264,acodec_aac/segment,f_ts,t_1000|sys/saveas,o_"+o(strings.Repeat("a", 1019)+"{index}")), "bytes long")
}
