package enginetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// clips makes each clip once per test binary: parallel tests share one
// encode. Test-only state.
var clips sync.Map

// Clip makes a clip with the ffmpeg CLI and returns its path. args are
// the CLI arguments between the global options and the output name; name
// gives the extension. Clips are kept in a cache directory under the system
// temp dir, keyed by a hash of name and args, so reruns skip the encode;
// a clip is written under a temporary name and renamed, so concurrent test
// processes never see a partial file.
func Clip(t testing.TB, name string, args ...string) string {
	t.Helper()
	key := name + "\x00" + strings.Join(args, "\x00")
	v, _ := clips.LoadOrStore(key, sync.OnceValues(func() (string, error) {
		dir := filepath.Join(os.TempDir(), "ossemu-test-clips")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		sum := sha256.Sum256([]byte(key))
		out := filepath.Join(dir, hex.EncodeToString(sum[:8])+"-"+name)
		if _, err := os.Stat(out); err == nil {
			return out, nil
		}
		tmp := filepath.Join(dir, hex.EncodeToString(sum[:8])+"-"+strconv.Itoa(os.Getpid())+".tmp-"+name)
		cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...), tmp)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			os.Remove(tmp)
			return "", errors.New(string(b))
		}
		return out, os.Rename(tmp, out)
	}))
	p, err := v.(func() (string, error))()
	require.NoError(t, err)
	return p
}
