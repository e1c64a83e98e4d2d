package parser

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// seedConcatStyle is the style string of the Java, Python and Go samples in
// OSS's video/concat documentation.
func seedConcatStyle(video1, video2 string) string {
	return fmt.Sprintf("video/concat,ss_0,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_%s/sur,o_%s,t_0", b64(video1), b64(video2))
}

func TestSeedConcatSDKExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, bucket, target, video1, video2 string
	}{
		{"java", "examplebucket", "dest.mp4", "concat1.mp4", "concat2.mp4"},
		{"python", "examplebucket", "out.mp4", "osshdfs.mp4", "product.mp4"},
		{"go", "examplebucket", "dest.mp4", "concat1.mp4", "concat2.mp4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			process := fmt.Sprintf("%s|sys/saveas,b_%s,o_%s/notify,topic_QXVkaW9Db252ZXJ0",
				seedConcatStyle(tc.video1, tc.video2), b64(tc.bucket), b64(tc.target))
			p := mustParse(t, process)
			require.Nil(t, p.Sprite)
			c := p.Concat
			require.NotNil(t, c)
			require.Equal(t, []Clip{{Key: tc.video1}, {Self: true}, {Key: tc.video2}}, c.Clips)
			require.Equal(t, MP4, c.Format)
			require.Equal(t, 1, c.Align)
			require.Nil(t, c.Segment)
			require.Equal(t, &VideoOptions{Codec: H264, FPS: 25, ScaleType: Stretch, GOP: 150, Bitrate: 1_000_000}, c.Video)
			require.Equal(t, &AudioOptions{Codec: AudioAAC, SampleRate: 48000, Channels: 2, Bitrate: 96000}, c.Audio)
			require.Equal(t, tc.bucket, p.SaveAs.Bucket.String())
			require.Equal(t, tc.target, p.SaveAs.Object.String())
			require.Equal(t, &Notify{Topic: "AudioConvert"}, p.Notify)
		})
	}
}

func TestSeedConcatREST(t *testing.T) {
	t.Parallel()
	const process = "video/concat,ss_10000,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_cHJlLm1vdgo/sur,o_c3VyMS5hYWMK,t_10000|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqLnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
	p := mustParse(t, process)
	c := p.Concat
	// "pre.mov full video; example.mkv from 10 seconds to the end; sur1.aac
	// the first 10 seconds". The example's names were encoded with `echo`,
	// so they end in a newline, and that newline is part of the key.
	require.Equal(t, []Clip{
		{Key: "pre.mov\n"},
		{Self: true, Start: 10 * time.Second},
		{Key: "sur1.aac\n", Duration: 10 * time.Second},
	}, c.Clips)
	require.Equal(t, 1, c.Align)
	require.Equal(t, H264, c.Video.Codec)
	require.Equal(t, 25.0, c.Video.FPS)
	require.Equal(t, int64(1_000_000), c.Video.Bitrate)
	require.Equal(t, AudioAAC, c.Audio.Codec)
	require.Equal(t, int64(96000), c.Audio.Bitrate)
	require.Equal(t, 48000, c.Audio.SampleRate)
	require.Equal(t, 2, c.Audio.Channels)
	require.Equal(t, "outbucket", p.SaveAs.Bucket.String())
	require.Equal(t, "outobj.{autoext}\n", p.SaveAs.Object.String())
	require.True(t, p.SaveAs.Object.Uses("autoext"))
	require.Equal(t, "outobj.mp4\n", p.SaveAs.Object.Expand(Vars{AutoExt: MP4.Ext()}))
	require.Equal(t, "AudioConvert", p.Notify.Topic)
}

func TestSeedSpriteREST(t *testing.T) {
	t.Parallel()
	const tail = "|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LXtpbmRleH0ue2F1dG9leHR9Cg/notify,topic_ZXhhbXBsZS1tbnMtdG9waWMK"
	tests := []struct {
		name, style string
		want        Sprite
	}{
		{"every 2 seconds", "video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0", Sprite{
			Format: JPG, Mode: ModeInter, Interval: 2 * time.Second, Width: 200, Height: 150,
			WidthPct: 100, HeightPct: 100, ScaleType: Stretch, Columns: 3, Rows: 3,
		}},
		{"avg 10x10", "video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5", Sprite{
			Format: JPG, Mode: ModeAvg, Num: 100, WidthPct: 10, HeightPct: 10, ScaleType: Fit,
			Columns: 10, Rows: 10, Pad: 4, Margin: 5,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, tc.style+tail)
			require.Nil(t, p.Concat)
			require.Equal(t, &tc.want, p.Sprite)
			require.Equal(t, "outbucket", p.SaveAs.Bucket.String())
			require.Equal(t, "outobjprefix-{index}.{autoext}\n", p.SaveAs.Object.String())
			require.True(t, p.SaveAs.Object.Uses("index"))
			// The example encodes "example-mns-topic\n"; the newline is dropped.
			require.Equal(t, &Notify{Topic: "example-mns-topic"}, p.Notify)
		})
	}
}

func TestSeedSpriteSDKExamples(t *testing.T) {
	t.Parallel()
	const style = "video/sprite,f_jpg,sw_100,sh_100,inter_10000,tw_10,th_10,pad_0,margin_0"
	want := &Sprite{
		Format: JPG, Mode: ModeInter, Interval: 10 * time.Second, Width: 100, Height: 100,
		WidthPct: 100, HeightPct: 100, ScaleType: Stretch, Columns: 10, Rows: 10,
	}
	padded := func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name   string
		encode func(string) string
	}{
		{"java", b64},
		{"python", b64},
		{"go (padded URLEncoding)", padded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			process := fmt.Sprintf("%s|sys/saveas,b_%s,o_%s/notify,topic_QXVkaW9Db252ZXJ0", style, tc.encode("examplebucket"), tc.encode("example.jpg"))
			if tc.name != "go (padded URLEncoding)" {
				require.False(t, strings.Contains(process, "="))
			}
			p := mustParse(t, process)
			require.Equal(t, want, p.Sprite)
			require.Equal(t, "examplebucket", p.SaveAs.Bucket.String())
			require.Equal(t, "example.jpg", p.SaveAs.Object.String())
			require.False(t, p.SaveAs.Object.Uses("index"))
			require.Equal(t, "AudioConvert", p.Notify.Topic)
		})
	}
}
