package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestConcurrentSubmissions submits concats and sprites from several
// goroutines at once through one v2 client: every task gets its own ids
// and its own complete output.
func TestConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	c := e.v2()
	ctx := context.Background()
	clip := makeClip(t, "in.mp4", 1, "160x120")
	_, err := c.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("in.mp4")}, clip)
	require.NoError(t, err)

	const n = 8
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			process := "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + enc("in.mp4") + "|sys/saveas,o_" + enc(fmt.Sprintf("out/%d.{autoext}", i))
			if i%2 == 1 {
				process = "video/sprite,f_jpg,sw_64,sh_48,inter_250,tw_2,th_2|sys/saveas,o_" + enc(fmt.Sprintf("out/%d.{autoext}", i))
			}
			rs, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
				Bucket: oss.Ptr("media"), Key: oss.Ptr("in.mp4"), AsyncProcess: oss.Ptr(process),
			})
			errs[i] = err
			if err == nil {
				ids[i] = rs.TaskId
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		require.False(t, seen[ids[i]], "task ids are unique")
		seen[ids[i]] = true
	}
	for i, id := range ids {
		v := e.requireSucceeded(t, id)
		if i%2 == 0 {
			key := fmt.Sprintf("out/%d.mp4", i)
			require.Equal(t, []string{"oss://media/" + key}, targetURIs(v))
			p := filepath.Join(t.TempDir(), "out.mp4")
			_, err := c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, p)
			require.NoError(t, err)
			require.InDelta(t, 2.0, ffprobe(t, p).duration(t), 0.1)
		} else {
			// 4 frames per 1 s at 250 ms: one full 2x2 sheet.
			key := fmt.Sprintf("out/%d.jpg", i)
			require.Equal(t, []string{"oss://media/" + key}, targetURIs(v))
			p := filepath.Join(t.TempDir(), "out.jpg")
			_, err := c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, p)
			require.NoError(t, err)
			img, format := decodeImage(t, p)
			require.Equal(t, "jpeg", format)
			require.Equal(t, 2*2+2*64+2, img.Bounds().Dx(), "default pad 2 and margin 2")
		}
	}
}

// TestSaveOverSource saves a task's output over its own source object:
// the source is read completely before the output replaces it.
func TestSaveOverSource(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	b := e.bucketV1(t, "media")
	clip := makeClip(t, "in.mp4", 2, "160x120")
	require.NoError(t, b.PutObjectFromFile("self.mp4", clip))
	rs, err := b.AsyncProcessObject("self.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+enc("self.mp4")+"|sys/saveas,o_"+enc("self.mp4"))
	require.NoError(t, err)
	v := e.requireSucceeded(t, rs.TaskId)
	require.Equal(t, []string{"oss://media/self.mp4"}, targetURIs(v))
	p := filepath.Join(t.TempDir(), "self.mp4")
	require.NoError(t, b.GetObjectToFile("self.mp4", p))
	require.InDelta(t, 4.0, ffprobe(t, p).duration(t), 0.1)
}
