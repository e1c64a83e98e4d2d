package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ossemu/ossemu/internal/sqldb"
	"github.com/ossemu/ossemu/queue"
)

// Roles a node can take (--role).
const (
	RoleAll    = "all"    // accepts requests and runs tasks: the single node
	RoleAPI    = "api"    // accepts requests, delivers notifications, never runs media
	RoleWorker = "worker" // runs tasks; serves only health and metrics
)

// ClusterConfig places this process among several ossemu nodes sharing one
// PostgreSQL database (tasks, notifications, the MNS broker) and one S3
// store (objects): docs/cluster.md.
type ClusterConfig struct {
	// QueueURL is the PostgreSQL URL (--queue-url); "" keeps the SQLite
	// file in the data directory.
	QueueURL string
	Role     string
	// NodeID names this node in task runs and metrics (--node-id);
	// Validate fills in queue.DefaultNodeID() when empty.
	NodeID string
	// LeaseTimeout is how long a node may go silent before its running
	// tasks are given to other runs (--lease-timeout).
	LeaseTimeout time.Duration
}

func (c *Config) bindCluster(b *binder) {
	b.String(&c.Cluster.QueueURL, "queue-url", "", "PostgreSQL URL (postgres://user:password@host:5432/db) holding tasks, notifications and the MNS broker, shared by several nodes; needs --storage s3; empty: SQLite in --data-dir")
	b.String(&c.Cluster.Role, "role", RoleAll, "what this node does: all; api (accepts requests, never runs media); worker (runs tasks, serves only /_ossemu/health and /_ossemu/metrics)")
	b.String(&c.Cluster.NodeID, "node-id", "", "this node's name in task runs and metrics (default: host name and a random suffix)")
	b.Duration(&c.Cluster.LeaseTimeout, "lease-timeout", queue.DefaultConfig().LeaseTimeout, "how long a node running a task may go silent (crashed, cut off) before the task is given to another run")
}

var nodeIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// validateCluster checks the cluster settings against each other and the
// storage choice, and fills in the default node id.
func (c *Config) validateCluster() error {
	cl := &c.Cluster
	var errs []error
	switch cl.Role {
	case RoleAll, RoleAPI, RoleWorker:
	default:
		errs = append(errs, fmt.Errorf("--role %q: use %s, %s or %s", cl.Role, RoleAll, RoleAPI, RoleWorker))
	}
	if cl.QueueURL != "" {
		if !sqldb.IsURL(cl.QueueURL) {
			errs = append(errs, errors.New("--queue-url: use a PostgreSQL URL, postgres://user:password@host:5432/database"))
		}
		if c.Select.Kind != StorageS3 {
			errs = append(errs, fmt.Errorf("--queue-url needs --storage s3: the nodes sharing the queue must all see the same objects, and --storage %s keeps them in this node's --data-dir", c.Select.Kind))
		}
	} else if cl.Role != RoleAll {
		errs = append(errs, fmt.Errorf("--role %s needs --queue-url: api and worker nodes share their tasks through PostgreSQL", cl.Role))
	}
	if cl.NodeID == "" {
		cl.NodeID = queue.DefaultNodeID()
	} else if !nodeIDPattern.MatchString(cl.NodeID) {
		errs = append(errs, fmt.Errorf("--node-id %q: 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit", cl.NodeID))
	}
	if cl.LeaseTimeout < time.Second {
		errs = append(errs, fmt.Errorf("--lease-timeout %s: must be at least 1s", cl.LeaseTimeout))
	}
	return errors.Join(errs...)
}

// runsTasks reports whether this node runs a worker pool.
func (cl ClusterConfig) runsTasks() bool { return cl.Role != RoleAPI }

// servesAPI reports whether this node accepts OSS and MNS requests and
// delivers notifications.
func (cl ClusterConfig) servesAPI() bool { return cl.Role != RoleWorker }

// openQueue opens the task store: SQLite in the data directory, or the
// shared PostgreSQL database. A PostgreSQL node still locks its data
// directory (it holds the node's scratch files and signing key, and a pool
// wipes its scratch root at start), so two nodes never share one. The
// returned func closes the queue and releases the lock.
func openQueue(ctx context.Context, cfg Config, logger *slog.Logger) (*queue.Queue, func(), error) {
	opts := []queue.Option{queue.WithNode(cfg.Cluster.NodeID), queue.WithLogger(logger)}
	if cfg.Cluster.QueueURL == "" {
		dbPath, _ := taskPaths(cfg.Storage.Dir)
		q, err := queue.Open(ctx, dbPath, opts...)
		if err != nil {
			return nil, nil, err
		}
		return q, func() { q.Close() }, nil
	}
	unlock, err := lockDataDir(cfg.Storage.Dir)
	if err != nil {
		return nil, nil, err
	}
	q, err := queue.OpenURL(ctx, cfg.Cluster.QueueURL, opts...)
	if err != nil {
		unlock()
		return nil, nil, fmt.Errorf("--queue-url: %w", err)
	}
	return q, func() { q.Close(); unlock() }, nil
}

// lockDataDir takes an exclusive lock on dir/node.lock for the process's life.
func lockDataDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "node.lock")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("--data-dir %s is in use by another ossemu node (each node needs its own): %w", dir, err)
	}
	return func() { f.Close() }, nil
}

// nodeInfo is the ossemu_node_info metric: 1, labelled with this node's
// id, role and queue store, so dashboards can tell the nodes apart (the
// task counts every node reports are the whole cluster's).
func nodeInfo(cfg Config, q *queue.Queue) prometheus.Collector {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ossemu_node_info",
		Help: "This ossemu node: its --node-id, --role and queue store (sqlite or postgres). Always 1.",
	}, []string{"node", "role", "queue"})
	g.WithLabelValues(cfg.Cluster.NodeID, cfg.Cluster.Role, q.Dialect()).Set(1)
	return g
}
