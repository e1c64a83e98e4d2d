package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/server"
	"github.com/ossemu/ossemu/server/auth"
)

// run starts ossemu and blocks until ctx is cancelled (SIGINT/SIGTERM in
// main), then shuts down gracefully. It prints "ossemu listening on
// http://<addr>" to stdout once the port is open; tests wait for that line.
//
// onLogger receives the logger run builds from --log-level before anything
// starts: main routes libav's process-wide log through it, which tests
// (running many emulators in one process) leave alone.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, onLogger ...func(*slog.Logger)) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	level, _ := cfg.slogLevel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	for _, f := range onLogger {
		f(logger)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	// ---- Subsystems: start here, in dependency order; stop in reverse
	// (deferred). Add new subsystems (task queue, workers, notifier) below
	// the storage and fill their slot in server.Deps.
	store, closeStore, err := openStorage(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	for _, b := range cfg.Buckets {
		if err := store.CreateBucket(ctx, b); err != nil && !osserr.Is(err, osserr.BucketAlreadyExists) {
			return fmt.Errorf("create bucket %q: %w", b, err)
		}
	}
	tasks, closeTasks, err := openQueue(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeTasks()
	reg.MustRegister(tasks.Collector(), nodeInfo(cfg, tasks))
	poolCfg := cfg.poolConfig(store, logger)
	notify, err := startNotify(ctx, cfg, tasks.DB(), logger)
	if err != nil {
		return err
	}
	defer notify.stop(ctx)
	if err := notify.n.Register(reg); err != nil {
		return err
	}
	poolCfg.OnFinish, poolCfg.Finished = notify.n.FinishHook(), notify.n.Finished()
	// On SIGINT/SIGTERM the workers stop taking tasks at once and get
	// --shutdown-grace to finish running ones while HTTP drains; run
	// returns after both (submissions during the drain are still queued).
	poolCtx, stopPool := context.WithCancel(ctx)
	waitPool := func() {}
	if cfg.Cluster.runsTasks() { // an api node never runs media
		if waitPool, err = startPool(poolCtx, tasks, poolCfg, logger); err != nil {
			stopPool()
			return err
		}
	}
	defer waitPool()
	defer stopPool()
	verifier := auth.New(auth.Config{Credentials: cfg.Credentials, Region: cfg.Server.Region})
	// Any role cancels: a queued task fails here (with its notification), a
	// running one is stopped by the node running it (queue.Canceller).
	canceller := queue.NewCanceller(tasks, poolCfg.OnFinish, poolCfg.Finished)
	web, err := newConsole(cfg, store, tasks, canceller, notify, verifier, logger) // console.go
	if err != nil {
		return err
	}
	deps := server.Deps{
		Storage:       store,
		Verifier:      verifier,
		Console:       web,
		Tasks:         tasks,
		Notifications: notify.n,
		Logger:        logger,
		Registry:      reg,
	}
	// ---- End of subsystems.

	cfg.Server.OpsOnly = !cfg.Cluster.servesAPI() // a worker serves health and metrics only
	srv, err := server.New(cfg.Server, deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	notify.Listening(cfg, ln.Addr())
	hs := &http.Server{
		Handler:  srv.Handler(),
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// Idle connections, headers and stalled bodies are bounded; whole
	// bodies are not (multi-GB uploads on slow links), nor responses.
	cfg.Limits.Apply(hs)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	logger.Info("ossemu started", "addr", ln.Addr().String(), "data_dir", cfg.Storage.Dir, "region", cfg.Server.Region,
		"node", cfg.Cluster.NodeID, "role", cfg.Cluster.Role, "queue", tasks.Dialect())
	fmt.Fprintf(stdout, "ossemu listening on http://%s\n", ln.Addr())
	notify.Announce(stdout)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
