package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	v2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/queue"
)

// TestAsyncProcessRefusesBadSaveAsNames submits saveas names the store would
// refuse at publish time (hours later, for a long task): each must get 400
// InvalidArgument naming parameter o, and nothing may be queued. Names that
// only just fit are accepted.
func TestAsyncProcessRefusesBadSaveAsNames(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, nil, "src")
	longKey := strings.Repeat("k", 1000) + ".mp4"
	for _, key := range []string{"in.mp4", "dir/...mp4", longKey} {
		e.put(t, "src", key, "III")
	}
	concat := func(o string) string { return "video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_" + b64(o) }
	segments := func(o string) string {
		return "video/concat,f_ts,vcodec_h264,acodec_aac/segment,f_ts,t_1000|sys/saveas,o_" + b64(o)
	}
	sprite := func(o string) string { return "video/sprite,f_jpg|sys/saveas,o_" + b64(o) }
	tests := []struct {
		name, key, process string
		msg                string // "" = accepted
	}{
		{"dot-dot segment", "in.mp4", concat("out/../x.mp4"), "'..' segment"},
		{"dot-dot backslash", "in.mp4", concat(`..\x.mp4`), "'..' segment"},
		{"dot-dot at the end", "in.mp4", sprite("out/.."), "'..' segment"},
		{"NUL", "in.mp4", concat("out/a\x00b.mp4"), "NUL"},
		{"dot-dot from the source key", "dir/...mp4", concat("{barename}/x.mp4"), "'..' segment"},
		{"expansion of the real key too long", longKey, concat("out/{key}.out/{barename}.mp4"), "bytes long"},
		{"literal too long", "in.mp4", concat(strings.Repeat("a", 1024)), "1024 bytes"},
		{"longest index too long", "in.mp4", sprite(strings.Repeat("a", 1010) + "-{index}.jpg"), "1025 bytes long"},
		{"sprite numbering suffix too long", "in.mp4", sprite(strings.Repeat("a", 1010)), "bytes long"},
		{"segment numbering suffix too long", "in.mp4", segments(strings.Repeat("a", 1010) + ".ts"), "bytes long"},
		{"longest resolution too long", "in.mp4", sprite(strings.Repeat("a", 1009) + "{resolution}.jpg"), "bytes long"},
		{"literal of 1023 bytes", "in.mp4", concat(strings.Repeat("a", 1019) + ".mp4"), ""},
		{"index that fits", "in.mp4", sprite(strings.Repeat("a", 1008) + "-{index}.jpg"), ""},
		{"real key that fits", longKey, concat("out/{key}"), ""},
		{"three dots are a name", "in.mp4", concat("out/.../x.mp4"), ""},
		// OSS stores other control characters, and its own examples encode
		// names with `echo name | base64`, newline included.
		{"newline from echo | base64", "in.mp4", concat("out.mp4\n"), ""},
	}
	accepted := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.v2Client().AsyncProcessObject(context.Background(), &v2.AsyncProcessObjectRequest{
				Bucket: v2.Ptr("src"), Key: v2.Ptr(tc.key), AsyncProcess: v2.Ptr(tc.process),
			})
			if tc.msg == "" {
				require.NoError(t, err)
				accepted++
				return
			}
			var se *v2.ServiceError
			require.True(t, errors.As(err, &se), "%v", err)
			require.Equal(t, 400, se.StatusCode)
			require.Equal(t, "InvalidArgument", se.Code)
			require.Contains(t, se.Message, "parameter o")
			require.Contains(t, se.Message, tc.msg)
		})
	}
	tasks, _, err := e.Queue.List(context.Background(), queue.ListOptions{})
	require.NoError(t, err)
	require.Len(t, tasks, accepted, "only the accepted requests were queued")
}
