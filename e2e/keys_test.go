package e2e

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// TestAwkwardKeys uses object names with non-ASCII characters, spaces and
// characters that URL and base64 handling like to mangle (+ & = % /), in
// the request's key, a /pre key and the saveas template, through v1 (which
// escapes keys with url.QueryEscape and signs V1 by default) and v2.
func TestAwkwardKeys(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	a, b := makeClip(t, "a.mp4", 1, "160x120"), makeClip(t, "b.mp4", 1, "160x120")
	want := ffprobe(t, a).duration(t) + ffprobe(t, b).duration(t)
	src, pre := "视频/my clip+1 (final).mp4", "dir/a b&c=d%20e.mp4"
	process := "video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_" + enc(pre) +
		"|sys/saveas,o_" + enc("输出/{barename} joined.{autoext}")
	const out = "输出/my clip+1 (final) joined.mp4"

	t.Run("v1 with V1 signatures", func(t *testing.T) {
		t.Parallel()
		c, err := ossv1.New(e.URL, testAK, testSK) // the v1 defaults: V1 signing
		require.NoError(t, err)
		bk, err := c.Bucket("media")
		require.NoError(t, err)
		require.NoError(t, bk.PutObjectFromFile("v1/"+src, a))
		require.NoError(t, bk.PutObjectFromFile("v1/"+pre, b))
		rs, err := bk.AsyncProcessObject("v1/"+src, "video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_"+enc("v1/"+pre)+
			"|sys/saveas,o_"+enc("v1/输出/{barename} joined.{autoext}"))
		require.NoError(t, err)
		v := e.requireSucceeded(t, rs.TaskId)
		require.Equal(t, []string{"oss://media/v1/" + out}, targetURIs(v))
		p := filepath.Join(t.TempDir(), "out.mp4")
		require.NoError(t, bk.GetObjectToFile("v1/"+out, p))
		require.InDelta(t, want, ffprobe(t, p).duration(t), 0.1)
	})

	t.Run("v2", func(t *testing.T) {
		t.Parallel()
		c := e.v2()
		ctx := context.Background()
		for key, path := range map[string]string{src: a, pre: b} {
			_, err := c.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, path)
			require.NoError(t, err)
		}
		rs, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
			Bucket: oss.Ptr("media"), Key: oss.Ptr(src), AsyncProcess: oss.Ptr(process),
		})
		require.NoError(t, err)
		v := e.requireSucceeded(t, rs.TaskId)
		require.Equal(t, []string{"oss://media/" + out}, targetURIs(v))
		p := filepath.Join(t.TempDir(), "out.mp4")
		_, err = c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(out)}, p)
		require.NoError(t, err)
		require.InDelta(t, want, ffprobe(t, p).duration(t), 0.1)
	})
}
