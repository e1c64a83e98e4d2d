package auth

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// testKeys are object names whose escaping differs between signers and
// addressing styles: '/', space, '+', '%', non-ASCII, RFC 3986 reserved
// characters, a leading '/' segment repeated.
var testKeys = []string{
	"plain.mp4",
	"dir/sub/clip 1.mp4",
	"a+b=c&d.mp4",
	"100%real.mov",
	"视频/第一集.mp4",
	"sp!*'()~[]@$,;:#?.ts",
	"x//y/.hidden",
}

const asyncProcess = "video/concat,ss_0,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_b3V0LzEubXA0|sys/saveas,b_YnVja2V0,o_b3V0Lm1wNA"

func TestSDKv1RoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		version oss.AuthVersionType
		virtual bool
	}{
		{"V1 path style", oss.AuthV1, false},
		{"V4 path style", oss.AuthV4, false},
		{"V1 virtual-hosted", oss.AuthV1, true},
		{"V4 virtual-hosted", oss.AuthV4, true},
		{"OSS2 path style", oss.AuthV2, false},
		{"OSS2 virtual-hosted", oss.AuthV2, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeOSS(t)
			endpoint, httpc := f.URL, http.DefaultClient
			opts := []oss.ClientOption{oss.AuthVersion(tc.version), oss.Region("cn-hangzhou")}
			if tc.virtual {
				endpoint, httpc = "http://localhost:"+f.port(), f.hostClient()
				opts = append(opts, oss.HTTPClient(httpc))
			}
			if tc.version != oss.AuthV1 {
				opts = append(opts, oss.AdditionalHeaders([]string{"Cache-Control", "Content-Length", "Range"}))
			}
			client, err := oss.New(endpoint, testID, testSecret, opts...)
			require.NoError(t, err)
			b, err := client.Bucket("media")
			require.NoError(t, err)

			for _, key := range testKeys {
				require.NoError(t, b.PutObject(key, strings.NewReader("hello"),
					oss.ContentType("video/mp4"), oss.Meta("author", "alice"), oss.CacheControl("no-cache")), key)
				rc, err := b.GetObject(key, oss.Range(0, 3), oss.ResponseContentType("text/plain"),
					oss.ResponseContentDisposition(`attachment; filename="a b.mp4"`))
				require.NoError(t, err, key)
				data, err := io.ReadAll(rc)
				require.NoError(t, err)
				require.NoError(t, rc.Close())
				require.Equal(t, "hello", string(data))
				require.NoError(t, b.DeleteObject(key), key)
			}
			_, err = b.ListObjectsV2(oss.Prefix("视频/"), oss.Delimiter("/"), oss.MaxKeys(10),
				oss.ContinuationToken("tok+en/=="), oss.StartAfter("a b"))
			require.NoError(t, err)
			imur, err := b.InitiateMultipartUpload("big file.mp4")
			require.NoError(t, err)
			_, err = b.UploadPart(imur, strings.NewReader("part"), 4, 1)
			require.NoError(t, err)
			res, err := b.AsyncProcessObject("in/clip.mp4", asyncProcess)
			require.NoError(t, err)
			require.Equal(t, "MediaConvert-1", res.TaskId)

			// Presigned GET, fetched by a plain HTTP client as a browser would.
			for _, key := range testKeys {
				u, err := b.SignURL(key, oss.HTTPGet, 300, oss.ResponseContentType("video/mp4"))
				require.NoError(t, err)
				resp, err := httpc.Get(u)
				require.NoError(t, err)
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", u, body)
			}

			// 7 keys × 3 calls + list + initiate + part + async + 7 presigned GETs.
			require.Len(t, f.snapshot(t), len(testKeys)*3+4+len(testKeys))

			// A wrong secret is refused with the code the SDK surfaces.
			bad, err := oss.New(endpoint, testID, "wrong-secret", opts...)
			require.NoError(t, err)
			bb, err := bad.Bucket("media")
			require.NoError(t, err)
			err = bb.PutObject("x.mp4", strings.NewReader("x"))
			var se oss.ServiceError
			require.True(t, errors.As(err, &se), "got %v", err)
			require.Equal(t, "SignatureDoesNotMatch", se.Code)
			require.Equal(t, http.StatusForbidden, se.StatusCode)

			// An unknown key id.
			unknown, err := oss.New(endpoint, "LTAI-nobody", testSecret, opts...)
			require.NoError(t, err)
			ub, err := unknown.Bucket("media")
			require.NoError(t, err)
			_, err = ub.ListObjectsV2()
			require.True(t, errors.As(err, &se), "got %v", err)
			require.Equal(t, "InvalidAccessKeyId", se.Code)
		})
	}
}
