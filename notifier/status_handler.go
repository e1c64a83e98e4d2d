package notifier

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// StatusHandler serves delivery state as JSON under prefix (the emulator
// mounts it at /_ossemu/notify, behind its credentials):
//
//	GET <prefix>/tasks/<TaskId>         the task's notification (404 if it published none)
//	GET <prefix>/topics/<topic>?limit=N the topic's latest messages, newest first
//
// A message for a topic nobody subscribes to shows here with state
// no-subscribers.
func (n *Notifier) StatusHandler(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeStatusJSON(w, http.StatusMethodNotAllowed, map[string]string{"Code": "MethodNotAllowed", "Message": "use GET"})
			return
		}
		rest := strings.TrimPrefix(r.URL.Path, prefix)
		kind, name, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
		switch {
		case kind == "tasks" && name != "":
			st, err := n.TaskStatus(r.Context(), name)
			if err != nil {
				writeStatusJSON(w, http.StatusInternalServerError, map[string]string{"Code": "InternalError", "Message": err.Error()})
				return
			}
			if st == nil {
				writeStatusJSON(w, http.StatusNotFound, map[string]string{"Code": "NotificationNotFound",
					"Message": "task " + name + " has published no notification (no notify stage, unknown, or not finished)"})
				return
			}
			writeStatusJSON(w, http.StatusOK, st)
		case kind == "topics" && name != "":
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			msgs, err := n.TopicMessages(r.Context(), name, limit)
			if err != nil {
				writeStatusJSON(w, http.StatusInternalServerError, map[string]string{"Code": "InternalError", "Message": err.Error()})
				return
			}
			writeStatusJSON(w, http.StatusOK, map[string]any{"Topic": name, "Messages": msgs})
		default:
			writeStatusJSON(w, http.StatusNotFound, map[string]string{"Code": "NotFound", "Message": "use " + prefix + "/tasks/<TaskId> or " + prefix + "/topics/<topic>"})
		}
	})
}

func writeStatusJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
