package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/ossemu/ossemu/internal/httplimit"
	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/server"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage/local"
)

// Development defaults: a fixed, well-known key pair so SDK snippets work
// out of the box. Never expose an emulator with these keys beyond loopback.
const (
	DefaultAddr            = "127.0.0.1:9000"
	DefaultAccessKeyID     = "ossemu-access-key"
	DefaultAccessKeySecret = "ossemu-secret-key"
	DefaultRegion          = "cn-hangzhou"
	DefaultDataDir         = "./data"
)

// Config gathers every subsystem's configuration. To add a subsystem, give
// it a field here, bind its flags in a bindXxx function called from bind,
// and validate it in Validate.
type Config struct {
	Addr            string
	ShutdownTimeout time.Duration
	LogLevel        string
	Buckets         []string
	Credentials     auth.Credentials
	Storage         local.Config
	Select          StorageSelect // --storage local|s3 and the S3 settings
	Server          server.Config
	Tasks           TasksConfig
	Notify          NotifyConfig
	Cluster         ClusterConfig    // --queue-url, --role, --node-id, --lease-timeout
	Limits          httplimit.Config // connection timeouts of the OSS and MNS ports
}

// bind registers all flags; subsystems add their own bindXxx call here.
func (c *Config) bind(b *binder) {
	c.bindCore(b)
	c.bindServer(b)
	c.bindLimits(b)
	c.bindStorage(b)
	c.bindStorageSelect(b)
	c.bindTasks(b)
	c.bindNotify(b)
	c.bindCluster(b)
}

func (c *Config) bindCore(b *binder) {
	b.String(&c.Addr, "addr", DefaultAddr, "listen address (host:port); use :9000 to accept connections from other hosts or containers")
	b.Duration(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to wait for requests in flight on SIGINT/SIGTERM")
	b.String(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	b.String(&c.Credentials.AccessKeyID, "access-key-id", DefaultAccessKeyID, "the AccessKey ID clients sign with")
	b.String(&c.Credentials.AccessKeySecret, "access-key-secret", DefaultAccessKeySecret, "the AccessKey secret clients sign with")
}

func (c *Config) bindServer(b *binder) {
	b.String(&c.Server.Region, "region", DefaultRegion, "the OSS region to emulate (V4 signatures are scoped to it)")
	b.String(&c.Server.Domain, "domain", "", "base domain for virtual-hosted requests: Host <bucket>.<domain> addresses <bucket> (<bucket>.localhost always works)")
	b.Bool(&c.Server.MetricsPublic, "metrics-public", false, "serve /_ossemu/metrics without credentials (for a Prometheus scraper without basic_auth); by default it takes the key pair, HTTP Basic or an OSS signature")
}

func (c *Config) bindLimits(b *binder) {
	d := httplimit.DefaultConfig()
	b.Duration(&c.Limits.IdleTimeout, "idle-timeout", d.IdleTimeout, "close keep-alive connections idle this long between requests (OSS and MNS ports); 0 = never")
	b.Duration(&c.Limits.ReadHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "longest time to receive a request's headers")
	b.Duration(&c.Limits.BodyTimeout, "body-timeout", d.BodyTimeout, "a request body must keep arriving: no byte for this long (or less than --body-min-rate × this in any such window) closes the connection; no limit on a whole upload; 0 = off")
	b.Int64(&c.Limits.BodyMinRate, "body-min-rate", d.BodyMinRate, "slowest accepted request body in bytes/s, averaged over each --body-timeout window; 0 = only the no-byte rule")
}

func (c *Config) bindStorage(b *binder) {
	b.String(&c.Storage.Dir, "data-dir", DefaultDataDir, "directory holding buckets, objects and the index")
}

// parseConfig reads flags and OSSEMU_* variables. It returns flag.ErrHelp
// after printing usage for --help.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	fs := newFlagSet(out)
	b := &binder{fs: fs, getenv: getenv}
	c.bind(b)
	var buckets string
	b.String(&buckets, "buckets", "", "comma-separated buckets to create at start if missing")
	if err := errors.Join(b.errs...); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for _, name := range strings.Split(buckets, ",") {
		if name = strings.TrimSpace(name); name != "" {
			c.Buckets = append(c.Buckets, name)
		}
	}
	return c, c.Validate()
}

// Validate checks every subsystem's configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr is empty"))
	}
	if c.Credentials.AccessKeyID == "" || c.Credentials.AccessKeySecret == "" {
		errs = append(errs, errors.New("--access-key-id and --access-key-secret must be set"))
	}
	if _, err := c.slogLevel(); err != nil {
		errs = append(errs, err)
	}
	for _, bk := range c.Buckets {
		if !names.ValidBucketName(bk) {
			errs = append(errs, fmt.Errorf("--buckets: %q is not a valid bucket name (3-63 lower-case letters, digits, hyphens)", bk))
		}
	}
	errs = append(errs, c.Server.Validate(), c.Storage.Validate(), c.Select.Validate(), c.Tasks.Validate(), c.validateCluster(), c.Limits.Validate())
	return errors.Join(errs...)
}

func (c *Config) slogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}
