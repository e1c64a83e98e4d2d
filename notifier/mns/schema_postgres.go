package mns

import "github.com/ossemu/ossemu/internal/sqldb"

// pgMigrations is the broker's PostgreSQL schema history (see
// sqldb.Migrate): the SQLite tables of broker.go with BIGINT times, an
// identity column for message order, names compared byte by byte (COLLATE
// "C", SQLite's order, which list markers rely on), and a trigger that
// wakes every node's long polls when a message becomes receivable: sent,
// or made visible early by ChangeMessageVisibility.
var pgMigrations = []sqldb.Migration{{Version: 1, Name: "broker", SQL: `
CREATE TABLE mns_topics (
	name          TEXT COLLATE "C" PRIMARY KEY,
	max_size      INTEGER NOT NULL,
	logging       INTEGER NOT NULL DEFAULT 0,
	created_at    BIGINT NOT NULL,
	modified_at   BIGINT NOT NULL
);
CREATE TABLE mns_subscriptions (
	topic         TEXT COLLATE "C" NOT NULL,
	name          TEXT COLLATE "C" NOT NULL,
	endpoint      TEXT NOT NULL,
	filter_tag    TEXT NOT NULL DEFAULT '',
	strategy      TEXT NOT NULL,
	format        TEXT NOT NULL,
	created_at    BIGINT NOT NULL,
	modified_at   BIGINT NOT NULL,
	PRIMARY KEY (topic, name)
);
CREATE TABLE mns_queues (
	name          TEXT COLLATE "C" PRIMARY KEY,
	delay         INTEGER NOT NULL,
	max_size      INTEGER NOT NULL,
	retention     INTEGER NOT NULL,
	visibility    INTEGER NOT NULL,
	polling_wait  INTEGER NOT NULL,
	logging       INTEGER NOT NULL DEFAULT 0,
	created_at    BIGINT NOT NULL,
	modified_at   BIGINT NOT NULL
);
CREATE TABLE mns_messages (
	seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id            TEXT NOT NULL UNIQUE,
	queue         TEXT COLLATE "C" NOT NULL,
	body          TEXT NOT NULL,
	priority      INTEGER NOT NULL,
	enqueued_at   BIGINT NOT NULL,
	visible_at    BIGINT NOT NULL,
	first_dequeue BIGINT NOT NULL DEFAULT 0,
	dequeues      INTEGER NOT NULL DEFAULT 0,
	receipt       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mns_messages_ready ON mns_messages (queue, visible_at, priority, seq);
CREATE INDEX mns_messages_receipt ON mns_messages (receipt);
CREATE TRIGGER mns_messages_sent AFTER INSERT ON mns_messages
	FOR EACH STATEMENT EXECUTE FUNCTION ossemu_wake('` + sqldb.TopicMNS + `');
CREATE TRIGGER mns_messages_shown AFTER UPDATE OF visible_at ON mns_messages
	FOR EACH ROW WHEN (NEW.visible_at < OLD.visible_at) EXECUTE FUNCTION ossemu_wake('` + sqldb.TopicMNS + `');
`}}
