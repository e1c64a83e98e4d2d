package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// notification is the IMM event a finished task publishes (docs/notify.md),
// with its content decoded.
type notification struct {
	ID, Source, Type string
	Content          struct {
		TaskID, TaskType, Status, Code, Message string
		RequestID                               string `json:"RequestId"`
		Sources, Targets                        []struct{ URI string }
	}
}

// notifyReceiver is an HTTP endpoint for --notify-endpoint in the
// SIMPLIFIED format (the raw message as the body); it hands every message
// to a channel so tests wait on it instead of polling.
func notifyReceiver(t *testing.T) (url string, msgs <-chan notification) {
	t.Helper()
	ch := make(chan notification, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var env struct {
			ID, Source, Type string
			Content          string
		}
		var n notification
		if err := json.Unmarshal(body, &env); err != nil {
			t.Errorf("notification is not JSON: %v: %s", err, body)
		} else if err := json.Unmarshal([]byte(env.Content), &n.Content); err != nil {
			t.Errorf("notification content is not a JSON string: %v: %s", err, body)
		}
		n.ID, n.Source, n.Type = env.ID, env.Source, env.Type
		ch <- n
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hook", ch
}
