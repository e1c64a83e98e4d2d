package auth

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAliOSSRoundTrip drives npm ali-oss (V1 and authorizationV4, header and
// presigned) against the fake server. It needs node and the ali-oss package:
// set OSSEMU_NODE_PATH to a node_modules directory holding ali-oss (the
// integration test setup installs one), or have it resolvable by node.
// Without them the test is skipped, and says so.
func TestAliOSSRoundTrip(t *testing.T) {
	t.Parallel()
	// CI installs ali-oss into tests/node (scripts/test.sh); there a missing
	// client is a failure, not a skip.
	skip := t.Skip
	if os.Getenv("CI") == "true" {
		skip = t.Fatal
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node not installed")
	}
	modules := os.Getenv("OSSEMU_NODE_PATH")
	if modules == "" {
		modules, err = filepath.Abs("../../tests/node/node_modules")
		require.NoError(t, err)
	}
	env := append(os.Environ(), "NODE_PATH="+modules)
	probe := exec.Command(node, "-e", "require.resolve('ali-oss')")
	probe.Env = env
	if probe.Run() != nil {
		skip("npm ali-oss not found; run `npm ci` in tests/node or set OSSEMU_NODE_PATH")
	}
	script, err := filepath.Abs("testdata/alioss_roundtrip.js")
	require.NoError(t, err)
	for _, mode := range []string{"v1", "v4"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newFakeOSS(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, script, f.URL, testID, testSecret, mode)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			line := strings.TrimSpace(string(out))
			require.True(t, strings.HasPrefix(line, "OK "), line)
			n, err := strconv.Atoi(strings.TrimPrefix(line, "OK "))
			require.NoError(t, err)
			require.Len(t, f.snapshot(t), n, "every call the script made must have verified")
		})
	}
}
