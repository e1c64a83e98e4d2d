package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/notifier/mns"
	"github.com/ossemu/ossemu/server"
)

// NotifyConfig configures task notifications (docs/notify.md).
type NotifyConfig struct {
	// Endpoints are the HTTP push subscriptions: --notify-endpoint
	// (repeatable) plus OSSEMU_NOTIFY_ENDPOINTS (comma-separated); both add up.
	Endpoints []notifier.Endpoint
	// MNSAddr is the built-in MNS service's listen address; off when empty.
	MNSAddr string
	// CertURL overrides the signing certificate URL named in pushes
	// (default http://<listen address>/_ossemu/mns/cert.pem).
	CertURL string
}

// endpointsFlag is the repeatable --notify-endpoint TOPIC=URL[#FORMAT].
type endpointsFlag struct{ list *[]notifier.Endpoint }

func (f endpointsFlag) String() string {
	if f.list == nil {
		return ""
	}
	var s []string
	for _, e := range *f.list {
		s = append(s, e.Topic+"="+e.URL+"#"+string(e.Format))
	}
	return strings.Join(s, ",")
}

func (f endpointsFlag) Set(v string) error {
	e, err := notifier.ParseEndpoint(v)
	if err != nil {
		return err
	}
	*f.list = append(*f.list, e)
	return nil
}

func (c *Config) bindNotify(b *binder) {
	if v := b.getenv("OSSEMU_NOTIFY_ENDPOINTS"); v != "" {
		list, err := notifier.ParseEndpointList(v)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("OSSEMU_NOTIFY_ENDPOINTS: %w", err))
		}
		c.Notify.Endpoints = list
	}
	b.fs.Var(endpointsFlag{&c.Notify.Endpoints}, "notify-endpoint",
		"push task notifications for TOPIC to URL: TOPIC=URL[#XML|#SIMPLIFIED|#JSON], TOPIC * matches every topic; repeatable (env OSSEMU_NOTIFY_ENDPOINTS, comma-separated)")
	b.String(&c.Notify.MNSAddr, "mns-addr", "", "listen address of the built-in MNS queue/topic service (host:port); off when empty")
	b.String(&c.Notify.CertURL, "notify-cert-url", "", "URL of the push-signing certificate named in pushes (default http://<addr>"+server.CertPath+")")
}

// notifyRuntime is the running notification subsystem: the MNS broker's
// state, the notifier's dispatcher and, when configured, the MNS listener.
type notifyRuntime struct {
	n       *notifier.Notifier
	broker  *mns.Broker // read by the web console (console.go)
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mns     *http.Server
	mnsAddr net.Addr
}

// startNotify creates the MNS broker and the notifier on the queue's
// database (their tables sit next to the tasks so a task's end and its
// notification commit together) and starts the dispatcher and the MNS
// listener. The broker exists even without the listener: tasks still
// create their topics, and subscriptions made earlier still get messages.
// The notifier's FinishHook and Finished go into the queue's pool
// configuration before the pool runs.
func startNotify(ctx context.Context, cfg Config, db *sql.DB, logger *slog.Logger) (*notifyRuntime, error) {
	broker, err := mns.NewBroker(ctx, db)
	if err != nil {
		return nil, err
	}
	n, err := notifier.New(ctx, notifier.Config{
		DataDir: cfg.Storage.Dir, Endpoints: cfg.Notify.Endpoints, CertURL: cfg.Notify.CertURL, Region: cfg.Server.Region,
	}, notifier.Deps{DB: db, Broker: broker, Logger: logger})
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rt := &notifyRuntime{n: n, broker: broker, cancel: cancel}
	if !cfg.Cluster.servesAPI() {
		// A worker only records its tasks' notifications (the finish hook);
		// the api nodes' dispatchers deliver them.
		if cfg.Notify.MNSAddr != "" {
			logger.Warn("a worker node serves no MNS API; --mns-addr is ignored", "mns_addr", cfg.Notify.MNSAddr)
		}
		return rt, nil
	}
	rt.wg.Add(1)
	go func() {
		defer rt.wg.Done()
		if err := n.Run(rctx); err != nil {
			logger.Error("notifier stopped", "err", err)
		}
	}()
	if cfg.Notify.MNSAddr != "" {
		svc, err := mns.New(mns.Config{AccessKeyID: cfg.Credentials.AccessKeyID, AccessKeySecret: cfg.Credentials.AccessKeySecret}, broker, n, logger)
		if err != nil {
			rt.stop(ctx)
			return nil, err
		}
		ln, err := net.Listen("tcp", cfg.Notify.MNSAddr)
		if err != nil {
			rt.stop(ctx)
			return nil, fmt.Errorf("--mns-addr: %w", err)
		}
		rt.mns = &http.Server{Handler: svc.Handler(), ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
		cfg.Limits.Apply(rt.mns)
		go func() {
			if err := rt.mns.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("MNS listener stopped", "err", err)
			}
		}()
		rt.mnsAddr = ln.Addr()
		logger.Info("MNS service started", "addr", ln.Addr().String())
	}
	return rt, nil
}

// Announce prints "ossemu MNS listening on http://<addr>" when the MNS
// service runs; run calls it after its own "ossemu listening on" line, which
// stays the first line scripts wait for.
func (rt *notifyRuntime) Announce(stdout io.Writer) {
	if rt.mnsAddr != nil {
		fmt.Fprintf(stdout, "ossemu MNS listening on http://%s\n", rt.mnsAddr)
	}
}

// Listening tells the notifier the OSS listener's address, from which the
// default certificate URL is made (an unspecified host becomes 127.0.0.1).
func (rt *notifyRuntime) Listening(cfg Config, addr net.Addr) {
	if cfg.Notify.CertURL != "" {
		return
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	rt.n.SetCertURL("http://" + net.JoinHostPort(host, port) + server.CertPath)
}

// stop closes the MNS listener (letting long polls end) and stops the
// dispatcher; deliveries in flight are retried at the next start.
func (rt *notifyRuntime) stop(ctx context.Context) {
	if rt.mns != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		_ = rt.mns.Shutdown(sctx)
		cancel()
		_ = rt.mns.Close()
	}
	rt.cancel()
	rt.wg.Wait()
}
