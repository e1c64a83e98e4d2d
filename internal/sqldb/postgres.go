package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Options tune Open.
type Options struct {
	// MaxConns bounds the pool's connections (default 10). Every node opens
	// its own pool plus one LISTEN connection, so the server's
	// max_connections must cover nodes × (MaxConns + 1).
	MaxConns int
	// Logger gets the LISTEN connection's reconnects; nil discards them.
	Logger *slog.Logger
	// Node, when set, is this process's node id, given to every connection
	// as the session setting NodeSetting.
	Node string
}

// Open connects to the PostgreSQL database at url (postgres://… or
// postgresql://…, with any libpq parameter pgx understands, e.g.
// sslmode or search_path) and checks that it answers. Queries on the
// returned *sql.DB use ? placeholders (see Rebind).
func Open(ctx context.Context, url string, o Options) (*sql.DB, error) {
	if !IsURL(url) {
		return nil, errors.New("sqldb: the URL must start with postgres:// or postgresql://")
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's message may quote the URL, password included.
		return nil, errors.New("sqldb: the PostgreSQL URL cannot be parsed")
	}
	if o.Node != "" {
		cfg.RuntimeParams[NodeSetting] = o.Node
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &connector{base: stdlib.GetConnector(*cfg), cfg: cfg, log: log, subs: map[string][]func(string){}}
	db := sql.OpenDB(c)
	n := o.MaxConns
	if n <= 0 {
		n = 10
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqldb: PostgreSQL at %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	return db, nil
}

// connector makes the pool's connections (pgx's, with placeholders
// rebound) and owns the node's LISTEN connection (listen.go). sql.DB.Close
// calls its Close.
type connector struct {
	base driver.Connector
	cfg  *pgx.ConnConfig
	log  *slog.Logger

	mu     sync.Mutex
	subs   map[string][]func(string) // topic → callbacks
	stop   context.CancelFunc        // stops the listener; nil until the first OnNotify
	done   chan struct{}             // closed when the listener has stopped
	closed bool
	// listening is true while the LISTEN connection is up.
	listening bool
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := dc.(*stdlib.Conn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("sqldb: unexpected pgx connection type %T", dc)
	}
	return &conn{Conn: pc}, nil
}

// Driver returns the marker Of recognises.
func (c *connector) Driver() driver.Driver { return &pgDriver{c: c} }

// Close stops the LISTEN connection; database/sql calls it from DB.Close.
func (c *connector) Close() error {
	c.mu.Lock()
	stop, done := c.stop, c.done
	c.closed = true
	c.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	return nil
}

// pgDriver is the driver.Driver of databases opened by Open. Opening by
// name is not supported: Open builds the connector itself.
type pgDriver struct{ c *connector }

func (d *pgDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("sqldb: open PostgreSQL databases with sqldb.Open")
}

// conn is pgx's connection with ? placeholders rebound in every statement.
// The embedded *stdlib.Conn supplies transactions, pings, session resets
// and argument checks unchanged.
type conn struct{ *stdlib.Conn }

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(Rebind(query))
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, Rebind(query))
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, Rebind(query), args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, Rebind(query), args)
}
