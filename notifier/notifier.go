// Package notifier delivers the MNS notifications OSS asynchronous processing
// publishes when a task ends: an IMM-shaped JSON envelope (a MediaConvert
// task event whose content field is itself a JSON document in a string),
// pushed to the subscribers of the task's notify topic. A finished task with
// a notify stage gets its message written to an outbox table in the same
// transaction that finishes the task (SQLite, or PostgreSQL shared by
// several nodes); a dispatcher fans each message
// out to the topic's subscribers (HTTP endpoints from configuration, and the
// HTTP or queue subscriptions of the MNS broker, see Broker) and delivers it
// at least once, surviving restarts.
//
// The MNS broker itself (queues, topics, subscriptions, queue messages) and
// its HTTP API live in notifier/mns, which imports this package.
package notifier

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ossemu/ossemu/internal/sqldb"
)

// Notifier is the notification service over one database (the task
// queue's). Create it with New, call Migrate once, then Run the dispatcher.
type Notifier struct {
	cfg     Config
	db      *sql.DB
	signer  *Signer
	client  *http.Client
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics

	broker Broker // nil: configured endpoints only

	wake    chan struct{}          // nudges the dispatcher; capacity 1
	certURL atomic.Pointer[string] // Config.CertURL, or what SetCertURL set
}

// Deps are the notifier's collaborators.
type Deps struct {
	// DB holds the outbox: the task queue's database, so a task's end and
	// its notification commit together. Required.
	DB *sql.DB
	// Broker is the MNS broker whose subscriptions messages also fan out
	// to; nil delivers to the configured endpoints only.
	Broker Broker
	// Logger gets delivery errors; nil discards them.
	Logger *slog.Logger
}

// New builds a Notifier on deps.DB, loading (or creating) the signing key
// pair in cfg.DataDir. It creates the outbox tables if they are missing.
func New(ctx context.Context, cfg Config, deps Deps) (*Notifier, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.DB == nil {
		return nil, errors.New("notifier: no database")
	}
	signer, err := LoadSigner(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, deps.DB); err != nil {
		return nil, err
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Notifier{
		cfg:     cfg,
		db:      deps.DB,
		signer:  signer,
		client:  &http.Client{Timeout: cfg.Timeout},
		log:     log,
		now:     time.Now,
		metrics: newMetrics(),
		broker:  deps.Broker,
		wake:    make(chan struct{}, 1),
	}
	n.SetCertURL(cfg.CertURL)
	sqldb.OnNotify(deps.DB, sqldb.TopicNotify, n.Wake) // messages other nodes record
	return n, nil
}

// SetCertURL sets the certificate URL pushes name in x-mns-signing-cert-url;
// the emulator knows it only once its listener is open.
func (n *Notifier) SetCertURL(u string) { n.certURL.Store(&u) }

// CertURL is the certificate URL pushes name.
func (n *Notifier) CertURL() string { return *n.certURL.Load() }

// Signer is the key pair that signs pushes.
func (n *Notifier) Signer() *Signer { return n.signer }

// Certificate is the certificate receivers verify pushes with; the
// emulator serves it at the URL pushes name.
func (n *Notifier) Certificate() *x509.Certificate { return n.signer.Certificate() }

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
