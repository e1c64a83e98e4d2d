package queue

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// schemaBeforeAction is the tasks table as ossemu created it before tasks
// stored their action.
const schemaBeforeAction = `
CREATE TABLE tasks (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	id          TEXT NOT NULL UNIQUE,
	type        TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	request_id  TEXT NOT NULL,
	bucket      TEXT NOT NULL,
	object      TEXT NOT NULL,
	process     TEXT NOT NULL,
	topic       TEXT NOT NULL DEFAULT '',
	sources     TEXT NOT NULL DEFAULT '[]',
	state       TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0,
	progress    INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	targets     TEXT NOT NULL DEFAULT '[]',
	code        TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	started_at  INTEGER NOT NULL DEFAULT 0,
	finished_at INTEGER NOT NULL DEFAULT 0,
	next_run_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_ready ON tasks(state, next_run_at, seq);
CREATE INDEX tasks_state_seq ON tasks(state, seq);
`

// oldRow is a task as an older ossemu stored it.
type oldRow struct {
	id, process, state string
	action             string // what the migration must derive
}

// writeOldDatabase creates path with the old schema and rows.
func writeOldDatabase(t *testing.T, path string, rows []oldRow) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(schemaBeforeAction)
	require.NoError(t, err)
	for _, r := range rows {
		_, err := db.Exec(`INSERT INTO tasks (id, type, event_id, request_id, bucket, object, process, state, created_at)
			VALUES (?, 'MediaConvert', 'E', 'R', 'b', 'src.mp4', ?, ?, 1700000000000)`, r.id, r.process, r.state)
		require.NoError(t, err)
	}
}

// An old data directory keeps working: Open adds the action column, derives
// each existing task's action from its process string, and the queued ones
// run on the processor of that action.
func TestOpenMigratesTasksWithoutAction(t *testing.T) {
	t.Parallel()
	rows := []oldRow{
		{"MediaConvert-concat", "video/concat,f_mp4,vcodec_h264/pre,o_cHJl|sys/saveas,o_b3V0", "queued", actConcat},
		{"MediaConvert-sprite", "video/sprite,f_jpg|sys/saveas,o_cw", "queued", actSprite},
		{"MediaConvert-segment-first", "video/concat/pre,o_cHJl,f_mp4|sys/saveas,o_b3V0", "succeeded", actConcat},
		{"MediaConvert-bare", "video/sprite|sys/saveas,o_cw", "failed", actSprite},
		{"MediaConvert-lookalike", "video/spritesheet,f_jpg|sys/saveas,o_cw", "failed", ""},
	}
	e := newEnv(t, Processors{
		actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) { return writeOutput(job, "concat.out", job.Process) }),
		actSprite: procFunc(func(_ context.Context, job *Job) (*Result, error) { return writeOutput(job, "sprite.out", job.Process) }),
	}, nil)
	require.NoError(t, e.q.Close())
	path := filepath.Join(t.TempDir(), "old.db")
	writeOldDatabase(t, path, rows)

	var err error
	e.q, err = Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { e.q.Close() })
	for _, r := range rows {
		require.Equal(t, r.action, e.get(t, r.id).Action, r.id)
	}
	e.start(t)
	got := map[string]*Task{}
	for range 2 {
		fin := e.wait(t)
		got[fin.ID] = fin
	}
	require.Equal(t, Succeeded, got["MediaConvert-concat"].State)
	require.Equal(t, []Ref{{Bucket: "b", Key: "concat.out"}}, got["MediaConvert-concat"].Targets)
	require.Equal(t, []Ref{{Bucket: "b", Key: "sprite.out"}}, got["MediaConvert-sprite"].Targets)
	data, _ := e.store.get("b", "sprite.out")
	require.Equal(t, rows[1].process, string(data), "the processor gets the stored process string")

	// New tasks go into the migrated table like any other.
	id := e.submit(t, "sprite").ID
	require.Equal(t, id, e.wait(t).ID)
	require.Equal(t, actSprite, e.get(t, id).Action)
}

// Opening a migrated (or new) database again changes nothing.
func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "old.db")
	writeOldDatabase(t, path, []oldRow{{"MediaConvert-a", "video/sprite,f_png|sys/saveas,o_cw", "queued", actSprite}})
	for range 3 {
		q, err := Open(context.Background(), path)
		require.NoError(t, err)
		task, err := q.Get(context.Background(), "MediaConvert-a")
		require.NoError(t, err)
		require.Equal(t, actSprite, task.Action)
		var cols int
		require.NoError(t, q.r.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('tasks') WHERE name = 'action'`).Scan(&cols))
		require.Equal(t, 1, cols)
		require.NoError(t, q.Close())
	}
}

func TestLegacyAction(t *testing.T) {
	t.Parallel()
	tests := []struct{ process, want string }{
		{"video/concat,f_mp4|sys/saveas,o_b3V0", actConcat},
		{"video/concat/sur,o_cw,ss_0|sys/saveas,o_b3V0", actConcat},
		{"video/sprite|sys/saveas,o_cw", actSprite},
		{"video/sprite", actSprite},
		{"video/sprites,f_jpg", ""},
		{" video/sprite,f_jpg", ""},
		{"video/convert,f_mp4", ""},
		{"", ""},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, legacyAction(tc.process), "%q", tc.process)
	}
}
