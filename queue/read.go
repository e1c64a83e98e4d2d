package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

const taskColumns = `seq, id, type, event_id, request_id, action, bucket, object, process, topic, sources,
	state, attempts, lease_until, progress, targets, code, message,
	created_at, started_at, finished_at, next_run_at, forgiven, suspect, cancel_requested`

// ErrNotFound is returned by Get for an unknown task id.
var ErrNotFound = errors.New("queue: no such task")

type scanner interface{ Scan(dest ...any) error }

func scanTask(row scanner) (*Task, int64, error) {
	var (
		t                            Task
		seq                          int64
		src, tgt                     string
		lease, created, started, fin int64
		next                         int64
	)
	if err := row.Scan(&seq, &t.ID, &t.Type, &t.EventID, &t.RequestID, &t.Action, &t.Bucket, &t.Object,
		&t.Process, &t.Topic, &src, &t.State, &t.Attempts, &lease, &t.Progress, &tgt,
		&t.Code, &t.Message, &created, &started, &fin, &next, &t.Forgiven, &t.suspect, &t.cancelRequested); err != nil {
		return nil, 0, err
	}
	if err := json.Unmarshal([]byte(src), &t.Sources); err != nil {
		return nil, 0, fmt.Errorf("queue: task %s sources: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(tgt), &t.Targets); err != nil {
		return nil, 0, fmt.Errorf("queue: task %s targets: %w", t.ID, err)
	}
	t.LeaseUntil, t.CreatedAt, t.StartedAt = fromMS(lease), fromMS(created), fromMS(started)
	t.FinishedAt, t.NextRunAt = fromMS(fin), fromMS(next)
	return &t, seq, nil
}

// Get returns one task by id with its runs, or ErrNotFound. Only Get reads
// the task's Detail: a sprite task's cell map can run to megabytes, which
// List and the workers' claims have no use for.
func (q *Queue) Get(ctx context.Context, id string) (*Task, error) {
	row := q.r.QueryRowContext(ctx, `SELECT `+taskColumns+`, detail FROM tasks WHERE id = ?`, id)
	var detail sql.NullString
	t, _, err := scanTask(withDetail{row, &detail})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if detail.Valid {
		t.Detail = json.RawMessage(detail.String)
	}
	if t.Runs, err = q.runs(ctx, id); err != nil {
		return nil, err
	}
	return t, nil
}

// withDetail scans the detail column after the task columns.
type withDetail struct {
	row    scanner
	detail *sql.NullString
}

func (w withDetail) Scan(dest ...any) error { return w.row.Scan(append(dest, w.detail)...) }

// ListOptions selects a page of tasks, newest first.
type ListOptions struct {
	State State  // "" = every state
	Limit int    // 1–100; 0 means 100
	Next  string // NextToken from the previous page; "" = first page
}

// MaxListLimit is the largest page ListTasks returns (IMM's MaxResults cap).
const MaxListLimit = 100

// ErrBadToken is returned by List for a NextToken it did not issue.
var ErrBadToken = errors.New("queue: invalid NextToken")

// List returns a page of tasks newest first and the token for the next page
// ("" when this is the last). The token is the position of the last task
// returned, so tasks submitted while paging never shift later pages.
func (q *Queue) List(ctx context.Context, o ListOptions) ([]*Task, string, error) {
	limit := o.Limit
	if limit <= 0 || limit > MaxListLimit {
		limit = MaxListLimit
	}
	after := int64(1<<63 - 1)
	if o.Next != "" {
		v, err := strconv.ParseInt(o.Next, 36, 64)
		if err != nil || v <= 0 {
			return nil, "", ErrBadToken
		}
		after = v
	}
	query := `SELECT ` + taskColumns + ` FROM tasks WHERE seq < ?`
	args := []any{after}
	if o.State != "" {
		query += ` AND state = ?`
		args = append(args, string(o.State))
	}
	query += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := q.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("queue: list: %w", err)
	}
	defer rows.Close()
	var (
		out  []*Task
		seqs []int64
	)
	for rows.Next() {
		t, seq, err := scanTask(rows)
		if err != nil {
			return nil, "", err
		}
		out, seqs = append(out, t), append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("queue: list: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = strconv.FormatInt(seqs[limit-1], 36)
	}
	return out, next, nil
}
