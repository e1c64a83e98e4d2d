package notifier

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

func TestStatusHandler(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n := newNotifier(t, dir, testutil.OpenSQLite(t, dir), nil)
	testutil.RunBackground(t, n.Run)
	id := finish(t, n, sampleTask("MediaConvert-s", "lonely"))
	waitState(t, n, id, StateNoSubscribers)
	h := n.StatusHandler("/_ossemu/notify")

	get := func(path string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		var v map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v))
		return rec.Code, v
	}
	code, v := get("/_ossemu/notify/tasks/MediaConvert-s")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, id, v["MessageId"])
	require.Equal(t, StateNoSubscribers, v["State"])
	code, v = get("/_ossemu/notify/topics/lonely")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, v["Messages"], 1)
	code, v = get("/_ossemu/notify/tasks/unknown")
	require.Equal(t, http.StatusNotFound, code)
	require.Equal(t, "NotificationNotFound", v["Code"])
	code, _ = get("/_ossemu/notify/else")
	require.Equal(t, http.StatusNotFound, code)
}
