package server

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// GetTask shows a succeeded sprite task's cell map; ListTasks and other
// tasks do not.
func TestTaskViewSpriteDetail(t *testing.T) {
	t.Parallel()
	detail := json.RawMessage(`{"Sheets":[{"URI":"oss://b/s-1.jpg","Width":8,"Height":8,"Cells":[]}]}`)
	sprite := &queue.Task{ID: "MediaConvert-x", Action: parser.ActionSprite, State: queue.Succeeded, Detail: detail}
	body, err := TaskJSON(sprite)
	require.NoError(t, err)
	var v map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &v))
	require.JSONEq(t, string(detail), string(v["Sprite"]))
	require.Equal(t, `"Succeeded"`, string(v["Status"]))

	list, err := json.Marshal(viewTask(sprite))
	require.NoError(t, err)
	require.NotContains(t, string(list), `"Sprite"`, "ListTasks leaves it out")
	for _, other := range []*queue.Task{
		{Action: parser.ActionConcat, State: queue.Succeeded, Detail: detail},
		{Action: parser.ActionSprite, State: queue.Failed, Detail: detail},
		{Action: parser.ActionSprite, State: queue.Succeeded},
	} {
		body, err := TaskJSON(other)
		require.NoError(t, err)
		require.NotContains(t, string(body), `"Sprite"`)
	}
}
