package queue

import (
	"strconv"
	"strings"
	"time"

	"github.com/ossemu/ossemu/internal/sqldb"
)

// On PostgreSQL the nodes of a cluster tell each other about tasks through
// LISTEN/NOTIFY, sent by triggers so that every committed change is told,
// whichever node (or ossemu version) made it:
//
//   - tasks_event_added and tasks_event_changed send sqldb.TopicEvents when
//     a task is submitted or its state or progress changes. Progress is
//     written at most once per Config.ProgressInterval per running task (the
//     heartbeat's throttle), and a lease renewal that changes neither sends
//     nothing, so a node hears no more than the writes.
//   - tasks_cancel_requested sends sqldb.TopicCancel when Cancel marks a
//     running task (cancel.go).
//
// A message is "<task id> <state> <progress> <unix ms> <node>", node being
// the writer's sqldb.NodeSetting. A node publishes the events of its own
// writes itself, at once (events.go), and skips them here, so its
// subscribers hear each change once; a node's id must therefore be unique
// in the cluster, which DefaultNodeID is.
const pgNotifySchema = `
CREATE OR REPLACE FUNCTION ossemu_task_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('` + sqldb.Channel + `', current_schema() || '/' || TG_ARGV[0] || '/' ||
		NEW.id || ' ' || NEW.state || ' ' || NEW.progress || ' ' ||
		floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint || ' ' ||
		COALESCE(current_setting('` + sqldb.NodeSetting + `', true), ''));
	RETURN NULL;
END
$$;
CREATE TRIGGER tasks_event_added AFTER INSERT ON tasks
	FOR EACH ROW EXECUTE FUNCTION ossemu_task_notify('` + sqldb.TopicEvents + `');
CREATE TRIGGER tasks_event_changed AFTER UPDATE OF state, progress ON tasks
	FOR EACH ROW WHEN (OLD.state <> NEW.state OR OLD.progress <> NEW.progress)
	EXECUTE FUNCTION ossemu_task_notify('` + sqldb.TopicEvents + `');
CREATE TRIGGER tasks_cancel_requested AFTER UPDATE OF cancel_requested ON tasks
	FOR EACH ROW WHEN (NEW.cancel_requested = 1 AND NEW.state = 'running')
	EXECUTE FUNCTION ossemu_task_notify('` + sqldb.TopicCancel + `');
`

// listenCluster subscribes to the other nodes' task events and cancel
// requests (nothing on SQLite, which one process owns).
func (q *Queue) listenCluster() {
	sqldb.OnMessage(q.w, sqldb.TopicEvents, q.remoteEvent)
	sqldb.OnMessage(q.w, sqldb.TopicCancel, q.remoteCancel)
}

// remoteEvent publishes another node's task change to this process's
// subscribers. "" means the LISTEN connection (re)connected and changes
// may have been missed meanwhile: every subscriber is dropped, which tells
// it to re-read what it shows and subscribe again (see Subscribe).
func (q *Queue) remoteEvent(msg string) {
	if msg == "" {
		q.events.dropAll()
		return
	}
	e, node, ok := parseRemote(msg)
	if !ok || node == q.node {
		return // this node's own change was published when it committed
	}
	q.events.publish(e)
}

// remoteCancel stops this process's run of a task another node cancelled,
// if it runs it.
func (q *Queue) remoteCancel(msg string) {
	if e, _, ok := parseRemote(msg); ok {
		q.running.cancel(e.TaskID)
	}
}

// parseRemote reads a trigger's message (see pgNotifySchema).
func parseRemote(msg string) (e Event, node string, ok bool) {
	f := strings.SplitN(msg, " ", 5)
	if len(f) != 5 {
		return Event{}, "", false
	}
	pct, err1 := strconv.Atoi(f[2])
	at, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil || f[0] == "" {
		return Event{}, "", false
	}
	return Event{TaskID: f[0], State: State(f[1]), Progress: pct, At: time.UnixMilli(at).UTC()}, f[4], true
}
