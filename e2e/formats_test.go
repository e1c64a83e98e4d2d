package e2e

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestConcatContainers runs one concat per output container through the v2
// SDK and checks what a user sees: the key {autoext} produced, the object's
// Content-Type, and what ffprobe finds in it.
func TestConcatContainers(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	c := e.v2()
	ctx := context.Background()
	for key, path := range map[string]string{"a.mp4": makeClip(t, "a.mp4", 1, "160x120"), "b.mp4": makeClip(t, "b.mp4", 1, "160x120")} {
		_, err := c.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, path)
		require.NoError(t, err)
	}
	cases := []struct {
		params, ext  string
		contentTypes []string // any of
		vcodec       string   // "" = no video stream
		acodec       string
	}{
		{"f_mp4,vcodec_h264,acodec_aac", "mp4", []string{"video/mp4"}, "h264", "aac"},
		{"f_mkv,vcodec_h265,acodec_opus", "mkv", []string{"video/x-matroska"}, "hevc", "opus"},
		{"f_mov,vcodec_h264,acodec_mp3", "mov", []string{"video/quicktime"}, "h264", "mp3"},
		{"f_webm,vcodec_vp9,acodec_opus", "webm", []string{"video/webm"}, "vp9", "opus"},
		{"f_ts,vcodec_h264,acodec_aac", "ts", []string{"video/mp2t"}, "h264", "aac"},
		{"f_flv,vcodec_h264,acodec_aac", "flv", []string{"video/x-flv"}, "h264", "aac"},
		{"f_avi,vcodec_h264,acodec_mp3", "avi", []string{"video/x-msvideo", "video/avi"}, "h264", "mp3"},
		{"f_asf,vcodec_h264,acodec_mp3", "asf", []string{"video/x-ms-asf"}, "h264", "mp3"},
		{"f_mxf,vcodec_h264,acodec_pcm,fps_25", "mxf", []string{"application/mxf"}, "h264", "pcm_s16le"},
		{"f_mp3,acodec_mp3", "mp3", []string{"audio/mpeg"}, "", "mp3"},
		{"f_aac,acodec_aac", "aac", []string{"audio/aac"}, "", "aac"},
		{"f_flac,acodec_flac", "flac", []string{"audio/flac"}, "", "flac"},
		{"f_oga,acodec_vorbis", "oga", []string{"audio/ogg"}, "", "vorbis"},
		{"f_ac3,acodec_ac3", "ac3", []string{"audio/ac3"}, "", "ac3"},
		{"f_opus,acodec_opus", "opus", []string{"audio/ogg", "audio/opus"}, "", "opus"},
	}
	for _, tc := range cases {
		t.Run(tc.params, func(t *testing.T) {
			t.Parallel()
			f := strings.TrimPrefix(strings.SplitN(tc.params, ",", 2)[0], "f_")
			process := "video/concat," + tc.params + "/sur,o_" + enc("b.mp4") + "|sys/saveas,o_" + enc("out/"+f+"/joined.{autoext}")
			rs, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
				Bucket: oss.Ptr("media"), Key: oss.Ptr("a.mp4"), AsyncProcess: oss.Ptr(process),
			})
			require.NoError(t, err)
			v := e.requireSucceeded(t, rs.TaskId)
			key := "out/" + f + "/joined." + tc.ext
			require.Equal(t, []string{"oss://media/" + key}, targetURIs(v))

			head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)})
			require.NoError(t, err)
			require.Contains(t, tc.contentTypes, oss.ToString(head.ContentType))
			out := filepath.Join(t.TempDir(), "joined."+tc.ext)
			_, err = c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, out)
			require.NoError(t, err)
			p := ffprobe(t, out)
			codecs := map[string]string{}
			for _, s := range p.Streams {
				codecs[s.CodecType] = s.CodecName
			}
			want := map[string]string{"audio": tc.acodec}
			if tc.vcodec != "" {
				want["video"] = tc.vcodec
			}
			require.Equal(t, want, codecs)
			// With video, its length from the decoded frames at 25 fps:
			// containers report durations differently (AVI cannot signal
			// MP3's encoder delay, ASF adds preroll, Matroska has no stream
			// durations), and the ffmpeg CLI's outputs read the same.
			d := p.duration(t)
			if tc.vcodec != "" {
				d = float64(countFrames(t, out)) / 25
			}
			require.InDelta(t, 2.0, d, 0.1)
		})
	}
}

// TestConcatSegments splits a concat into HLS (TS pieces and a playlist)
// and into MP4 pieces, through the v1 SDK, and plays the pieces back.
func TestConcatSegments(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	b := e.bucketV1(t, "media")
	require.NoError(t, b.PutObjectFromFile("in/a.mp4", makeClip(t, "a.mp4", 3, "160x120")))
	require.NoError(t, b.PutObjectFromFile("in/b.mp4", makeClip(t, "b.mp4", 2, "160x120")))
	for _, f := range []string{"ts", "mp4"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			process := "video/concat,f_" + f + ",vcodec_h264,acodec_aac/sur,o_" + enc("in/b.mp4") + "/segment,f_" + f + ",t_2000" +
				"|sys/saveas,o_" + enc(f+"/{barename}-{index}.{autoext}")
			rs, err := b.AsyncProcessObject("in/a.mp4", process)
			require.NoError(t, err)
			v := e.requireSucceeded(t, rs.TaskId)
			pieces := []string{f + "/a-1." + f, f + "/a-2." + f, f + "/a-3." + f}
			wantKeys := append([]string(nil), pieces...)
			if f == "ts" {
				wantKeys = append(wantKeys, "ts/a.m3u8")
			}
			require.Equal(t, uris("media", wantKeys), targetURIs(v))
			require.ElementsMatch(t, wantKeys, listKeys(t, b, f+"/"))

			var total float64
			for i, key := range pieces {
				p := filepath.Join(t.TempDir(), filepath.Base(key))
				require.NoError(t, b.GetObjectToFile(key, p))
				// The video stream's length: TS pieces keep the continuous
				// clock and their audio starts a little before the video.
				pp := ffprobe(t, p)
				d := pp.streamDuration(t, pp.stream(t, "video"))
				require.InDelta(t, []float64{2, 2, 1}[i], d, 0.1, key)
				total += d
				if f == "mp4" {
					requireFaststart(t, p)
				}
			}
			require.InDelta(t, 5.0, total, 0.1)
			if f != "ts" {
				return
			}
			meta, err := b.GetObjectDetailedMeta("ts/a.m3u8")
			require.NoError(t, err)
			require.Contains(t, []string{"application/vnd.apple.mpegurl", "application/x-mpegURL", "audio/mpegurl"}, meta.Get("Content-Type"))
			r, err := b.GetObject("ts/a.m3u8")
			require.NoError(t, err)
			text, err := io.ReadAll(r)
			r.Close()
			require.NoError(t, err)
			require.Contains(t, string(text), "#EXTM3U")
			require.Contains(t, string(text), "#EXT-X-ENDLIST")
			require.Equal(t, 3, strings.Count(string(text), "#EXTINF:"))
			for _, key := range pieces {
				require.Contains(t, string(text), "\n"+filepath.Base(key)+"\n", "the playlist names %s relative to itself", key)
			}
		})
	}
}
