package notifier

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// attemptsSchema keeps one row per delivery attempt, so an operator can see
// each try of a notification (when, what the endpoint answered), not only
// the latest outcome notify_deliveries holds. Rows go with their message
// when it is pruned.
const attemptsSchema = `
CREATE TABLE IF NOT EXISTS notify_attempts (
	id          INTEGER PRIMARY KEY,
	delivery_id INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	ok          INTEGER NOT NULL,
	status      INTEGER NOT NULL DEFAULT 0,
	response    TEXT NOT NULL DEFAULT '',
	duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS notify_attempts_delivery ON notify_attempts(delivery_id);
`

// writer is what *sql.DB and *sql.Tx both offer for a write.
type writer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Attempt is one try at delivering a message to one subscriber.
type Attempt struct {
	At       time.Time `json:"At"`
	OK       bool      `json:"OK"`
	Status   int       `json:"Status,omitempty"` // the endpoint's HTTP status; 0 when it gave none
	Response string    `json:"Response"`         // start of the answer's body, or the error
	Duration int64     `json:"DurationMs"`
}

// maxAttemptText bounds the stored answer or error of one attempt.
const maxAttemptText = 500

// migrateAttempts creates the attempt log; Migrate calls it.
func migrateAttempts(ctx context.Context, db writer) error {
	if _, err := db.ExecContext(ctx, attemptsSchema); err != nil {
		return fmt.Errorf("notifier: create attempt log: %w", err)
	}
	return nil
}

// logAttempt records the outcome of one attempt at d: a (filled by push)
// and deliveryErr, which becomes the response text when the endpoint gave
// none.
func logAttempt(ctx context.Context, db writer, d *delivery, a Attempt, deliveryErr error) error {
	a.OK = deliveryErr == nil
	if deliveryErr != nil && (a.Status == 0 || a.Response == "") {
		a.Response = deliveryErr.Error()
	}
	if len(a.Response) > maxAttemptText {
		a.Response = a.Response[:maxAttemptText]
	}
	ok := 0
	if a.OK {
		ok = 1
	}
	_, err := db.ExecContext(ctx, `INSERT INTO notify_attempts (delivery_id, at, ok, status, response, duration_ms)
		VALUES (?, ?, ?, ?, ?, ?)`, d.id, ms(a.At), ok, a.Status,
		strings.ToValidUTF8(a.Response, "?"), a.Duration)
	return err
}

// attachHistory fills each delivery's History from the attempt log, oldest
// attempt first.
func (n *Notifier) attachHistory(ctx context.Context, messageID string, ds []Delivery) error {
	rows, err := n.db.QueryContext(ctx, `SELECT d.subscription, a.at, a.ok, a.status, a.response, a.duration_ms
		FROM notify_attempts a JOIN notify_deliveries d ON d.id = a.delivery_id
		WHERE d.message_id = ? ORDER BY a.id`, messageID)
	if err != nil {
		return err
	}
	defer rows.Close()
	bySub := make(map[string]*Delivery, len(ds))
	for i := range ds {
		ds[i].History = []Attempt{}
		bySub[ds[i].Subscription] = &ds[i]
	}
	for rows.Next() {
		var sub string
		var a Attempt
		var at int64
		var ok int
		if err := rows.Scan(&sub, &at, &ok, &a.Status, &a.Response, &a.Duration); err != nil {
			return err
		}
		a.At, a.OK = time.UnixMilli(at).UTC(), ok != 0
		if d := bySub[sub]; d != nil {
			d.History = append(d.History, a)
		}
	}
	return rows.Err()
}

// pruneAttempts is the DELETE prune runs for the attempts of expiring
// messages (selected by expired, which takes the cutoff).
func pruneAttempts(ctx context.Context, db writer, expired string, cutoff int64) error {
	_, err := db.ExecContext(ctx, `DELETE FROM notify_attempts WHERE delivery_id IN
		(SELECT id FROM notify_deliveries WHERE message_id IN (`+expired+`))`, cutoff)
	return err
}
