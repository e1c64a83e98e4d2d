// Package notifier delivers the MNS notifications OSS asynchronous processing
// publishes when a task ends (oss-reference §7). A finished task with a
// notify stage gets an IMM-shaped message written to an outbox table in the
// same SQLite transaction that finishes the task; a dispatcher fans each
// message out to the topic's subscribers (HTTP endpoints from configuration,
// and HTTP or queue subscriptions made through the built-in MNS service in
// notifier/mns) and delivers it at least once, surviving restarts.
//
// The package also owns the built-in MNS service's state (queues, topics,
// subscriptions, queue messages), so a topic subscription that targets a
// queue is delivered in one local transaction.
package notifier

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Notifier is the notification service over one SQLite database (the task
// queue's). Create it with New, call Migrate once, then Run the dispatcher.
type Notifier struct {
	cfg     Config
	db      *sql.DB
	signer  *Signer
	client  *http.Client
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics

	wake    chan struct{}          // nudges the dispatcher; capacity 1
	certURL atomic.Pointer[string] // Config.CertURL, or what SetCertURL set

	mu      sync.Mutex
	arrived chan struct{} // closed (and replaced) when a queue gets a message
}

// New builds a Notifier on db, loading (or creating) the signing key pair in
// cfg.DataDir. It creates the tables if they are missing.
func New(ctx context.Context, cfg Config, db *sql.DB, log *slog.Logger) (*Notifier, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	signer, err := LoadSigner(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, db); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Notifier{
		cfg:     cfg,
		db:      db,
		signer:  signer,
		client:  &http.Client{Timeout: cfg.Timeout},
		log:     log,
		now:     time.Now,
		metrics: newMetrics(),
		wake:    make(chan struct{}, 1),
		arrived: make(chan struct{}),
	}
	n.SetCertURL(cfg.CertURL)
	return n, nil
}

// SetCertURL sets the certificate URL pushes name in x-mns-signing-cert-url;
// the emulator knows it only once its listener is open.
func (n *Notifier) SetCertURL(u string) { n.certURL.Store(&u) }

// CertURL is the certificate URL pushes name.
func (n *Notifier) CertURL() string { return *n.certURL.Load() }

// Signer is the key pair that signs pushes.
func (n *Notifier) Signer() *Signer { return n.signer }

// Config is the effective (defaulted) configuration.
func (n *Notifier) Config() Config { return n.cfg }

// DB is the database the notifier keeps its state in.
func (n *Notifier) DB() *sql.DB { return n.db }

// Now is the notifier's clock.
func (n *Notifier) Now() time.Time { return n.now() }

// Wake asks the dispatcher to look for work now. Cheap; never blocks.
func (n *Notifier) Wake() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// arrival returns a channel closed when the next queue message arrives.
// Take it before looking at a queue, so an arrival in between is not missed.
func (n *Notifier) arrival() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.arrived
}

// signalArrival wakes every long poll; they re-check their queue.
func (n *Notifier) signalArrival() {
	n.mu.Lock()
	defer n.mu.Unlock()
	close(n.arrived)
	n.arrived = make(chan struct{})
}

// NewMessageID makes an MNS-shaped message id: 32 upper-case hex digits.
func NewMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

// MD5Hex is how MNS writes MessageMD5 and MessageBodyMD5: the upper-case hex
// MD5 of the body.
func MD5Hex(body []byte) string {
	sum := md5.Sum(body)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func ms(t time.Time) int64 { return t.UnixMilli() }
