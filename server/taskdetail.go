package server

import (
	"encoding/json"

	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// viewTaskDetail is GetTask's view of t: viewTask plus, for a succeeded
// sprite task, its cell map (every sheet with the source time and box of
// each cell, as engine.SpriteDetail writes it), which players need for
// scrubbing previews. ListTasks leaves it out: a long video's map runs to
// megabytes.
func viewTaskDetail(t *queue.Task) taskView {
	v := viewTask(t)
	if t.Action == parser.ActionSprite && t.State == queue.Succeeded && len(t.Detail) > 0 {
		v.Sprite = t.Detail
	}
	return v
}

// TaskJSON is the JSON GetTask answers for t, without the request's
// RequestId and the notification status: `emulator process --json` prints
// a local run in the task API's words.
func TaskJSON(t *queue.Task) ([]byte, error) {
	return json.Marshal(viewTaskDetail(t))
}
