package server_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// nodeDir holds the ali-oss harness (tests/node); scripts/test.sh runs
// `npm ci` there.
var nodeDir = filepath.Join("..", "tests", "node")

func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	missing := err != nil
	if _, serr := os.Stat(filepath.Join(nodeDir, "node_modules", "ali-oss")); serr != nil {
		missing = true
	}
	if missing {
		if os.Getenv("CI") == "true" {
			t.Fatal("node or tests/node/node_modules is missing; run `npm ci` in tests/node (scripts/test.sh does)")
		}
		t.Skip("node or tests/node/node_modules missing; run `cd tests/node && npm ci`")
	}
	return node
}

// TestAliOSS runs the npm ali-oss client against the emulator with V1 and
// authorizationV4 signatures.
func TestAliOSS(t *testing.T) {
	t.Parallel()
	node := requireNode(t)
	for _, v4 := range []string{"0", "1"} {
		t.Run("v4="+v4, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "node-bucket")
			cmd := exec.CommandContext(t.Context(), node, "alioss.js")
			cmd.Dir = nodeDir
			cmd.Env = append(os.Environ(),
				"OSSEMU_ENDPOINT="+e.URL, "OSSEMU_ACCESS_KEY_ID="+testAK, "OSSEMU_ACCESS_KEY_SECRET="+testSK,
				"OSSEMU_REGION="+testRegion, "OSSEMU_BUCKET=node-bucket", "AUTH_V4="+v4)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			require.NoError(t, err, stderr.String())

			var res struct {
				Get          map[string]string
				HeadMeta     map[string]string
				ListKeys     []string
				ListPrefixes []string
				ListV2Keys   []string
				AfterDelete  *struct{ Code string }
				DeleteMulti  []string
				Remaining    []string
				Copied       string
				Multipart    struct {
					Status int
					Equal  bool
					ETag   string
				}
				WrongSecret *struct {
					Name, Code, RequestID string
					Status                int
				}
			}
			require.NoError(t, json.Unmarshal(out, &res), string(out))
			require.Equal(t, map[string]string{
				"hello.txt": "node body of hello.txt", "dir/a b+c.txt": "node body of dir/a b+c.txt",
				"中文/视频.mp4": "node body of 中文/视频.mp4",
			}, res.Get)
			require.Equal(t, "carol", res.HeadMeta["owner"])
			require.Equal(t, "node body of dir/a b+c.txt", res.Copied)
			require.Equal(t, []string{"hello.txt"}, res.ListKeys)
			require.Equal(t, []string{"dir/", "中文/"}, res.ListPrefixes)
			require.Equal(t, []string{"dir/a b+c.txt"}, res.ListV2Keys)
			require.NotNil(t, res.AfterDelete)
			require.Equal(t, "NoSuchKey", res.AfterDelete.Code)
			require.Equal(t, []string{"dir/a b+c.txt", "never-there"}, res.DeleteMulti)
			require.Equal(t, []string{"中文/视频.mp4"}, res.Remaining)
			require.Equal(t, 200, res.Multipart.Status)
			require.True(t, res.Multipart.Equal, "multipart object differs from what was uploaded")
			require.Regexp(t, `-6"?$`, res.Multipart.ETag)
			require.NotNil(t, res.WrongSecret)
			require.Equal(t, "SignatureDoesNotMatch", res.WrongSecret.Code)
			require.Equal(t, 403, res.WrongSecret.Status)
		})
	}
}
