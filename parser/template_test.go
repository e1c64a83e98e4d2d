package parser

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestTemplateExpand(t *testing.T) {
	t.Parallel()
	v := Vars{
		Bucket:      "src",
		Key:         "videos/2024/clip.final.mkv",
		Time:        time.Date(2025, 3, 7, 4, 5, 9, 0, time.UTC),
		Index:       3,
		StreamIndex: 2,
		Resolution:  "1280x720",
		AutoExt:     "mp4",
	}
	tests := []struct{ tmpl, want string }{
		{"plain.mp4", "plain.mp4"},
		{"", ""},
		{"{bucket}/{key}", "src/videos/2024/clip.final.mkv"},
		{"{dirname}/{barename}.{autoext}", "videos/2024/clip.final.mp4"},
		{"{basename}|{ext}", "clip.final.mkv|mkv"},
		{"{year}-{mon}-{day}T{hour}:{min}:{sec}", "2025-03-07T04:05:09"},
		{"{t_year}{t_mon}{t_day}{t_hour}{t_min}{t_sec}", "20250307040509"},
		{"out-{index}-{streamindex}-{resolution}", "out-3-2-1280x720"},
		{"{{index}}", "{index}"},
		{"a{{b}}c{{{index}}}", "a{b}c{3}"},
		{"}}{{", "}{"},
		{"outobj.{autoext}\n", "outobj.mp4\n"},
	}
	for _, tc := range tests {
		tm, err := ParseTemplate(tc.tmpl)
		require.NoError(t, err, tc.tmpl)
		require.Equal(t, tc.want, tm.Expand(v), tc.tmpl)
		require.Equal(t, tc.tmpl, tm.String())
		require.Equal(t, tc.tmpl == "", tm.IsZero())
	}
}

func TestTemplateRootKey(t *testing.T) {
	t.Parallel()
	tm, err := ParseTemplate("{dirname}/{barename}-{index}.jpg")
	require.NoError(t, err)
	// A key at the bucket root has no directory; the '/' after an empty
	// {dirname} is dropped so the result is a valid object name.
	require.Equal(t, "clip-1.jpg", tm.Expand(Vars{Key: "clip.mp4", Index: 1}))
	require.Equal(t, "a/clip-1.jpg", tm.Expand(Vars{Key: "a/clip.mp4", Index: 1}))
	noExt, err := ParseTemplate("{barename}|{ext}")
	require.NoError(t, err)
	require.Equal(t, "README|", noExt.Expand(Vars{Key: "README"}))
}

func TestTemplateTimeIsUTC(t *testing.T) {
	t.Parallel()
	tm, err := ParseTemplate("{day}-{hour}")
	require.NoError(t, err)
	east := time.FixedZone("UTC+8", 8*3600)
	require.Equal(t, "06-20", tm.Expand(Vars{Time: time.Date(2025, 3, 7, 4, 0, 0, 0, east)}))
}

func TestTemplateUses(t *testing.T) {
	t.Parallel()
	tm, err := ParseTemplate("x-{index}{{autoext}}")
	require.NoError(t, err)
	require.True(t, tm.Uses("index"))
	require.False(t, tm.Uses("autoext")) // escaped, literal text
	require.False(t, tm.Uses("ind"))
}

func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"{", "}", "a{index", "a}b", "{}", "{Index}", "{foo}", "{index}}", "{{{index"} {
		_, err := ParseTemplate(bad)
		require.Error(t, err, bad)
		require.True(t, osserr.Is(err, osserr.InvalidArgument), bad)
	}
}

func TestTemplateComparable(t *testing.T) {
	t.Parallel()
	a, err := ParseTemplate("x-{index}")
	require.NoError(t, err)
	b, err := ParseTemplate("x-" + "{index}")
	require.NoError(t, err)
	require.True(t, a == b)
}

func TestContainerHelpers(t *testing.T) {
	t.Parallel()
	want := map[Container]string{
		MP4: "mp4", MKV: "mkv", MOV: "mov", ASF: "asf", AVI: "avi", MXF: "mxf", TS: "ts", FLV: "flv",
		WebM: "webm", MP3: "mp3", AAC: "aac", FLAC: "flac", OGA: "oga", AC3: "ac3", Opus: "opus", AMR: "amr",
	}
	require.Len(t, containers, len(want))
	for c, ext := range want {
		require.Equal(t, ext, c.Ext())
		require.NotEmpty(t, c.MuxerName())
		_, videoOK := videoCodecsIn[c]
		require.Equal(t, !videoOK, c.AudioOnly(), c)
		require.NotEmpty(t, audioCodecsIn[c], c)
	}
	require.Empty(t, Container("3gp").Ext())
	require.Equal(t, "jpg", JPG.Ext())
	require.Equal(t, "png", PNG.Ext())
	require.Empty(t, ImageFormat("gif").Ext())
}
