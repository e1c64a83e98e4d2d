package queue

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// A processor's Result.Detail is recorded with the success, read back as
// written, and reaches the finish hook; a task that fails, or whose
// processor reports none, has none.
func testDetailRecordedOnSuccess(t *testing.T, st testStore) {
	const detail = `{"Sheets":[{"URI":"oss://b/s-1.jpg","Cells":[{"Time":1.5,"X":2}]}]}`
	e := newEnvOn(t, st, Processors{
		actSprite: procFunc(func(_ context.Context, job *Job) (*Result, error) {
			res, err := writeOutput(job, "s-1.jpg", "sheet")
			if err == nil && job.Process == "sprite detail" {
				res.Detail = json.RawMessage(detail)
			}
			return res, err
		}),
		actConcat: procFunc(func(context.Context, *Job) (*Result, error) {
			return nil, osserr.New(osserr.InvalidMedia, "bad clip")
		}),
	}, nil)
	e.start(t)
	with := e.submit(t, "sprite detail")
	require.JSONEq(t, detail, string(e.wait(t).Detail), "the hook sees it")
	require.JSONEq(t, detail, string(e.get(t, with.ID).Detail))
	plain := e.submit(t, "sprite plain")
	e.wait(t)
	require.Nil(t, e.get(t, plain.ID).Detail)
	failed := e.submit(t, "concat")
	require.Equal(t, Failed, e.wait(t).State)
	require.Nil(t, e.get(t, failed.ID).Detail)

	tasks, _, err := e.q.List(context.Background(), ListOptions{})
	require.NoError(t, err)
	require.Len(t, tasks, 3)
	require.Nil(t, tasks[2].Detail, "List leaves it out")
}
