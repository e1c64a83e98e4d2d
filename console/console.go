// Package console is ossemu's web console: a single-page application
// embedded in the binary (web/, no network at run time) and the JSON data
// API it reads, served under one prefix (/_ossemu/console/). It shows tasks
// live (Server-Sent Events driven by the queue's own state changes), what a
// process string means and what the engine will make of it, the outputs as
// media, notification deliveries, buckets and objects, and the built-in MNS
// service; it composes and validates styles with the API's own parser.
//
// The console changes nothing behind the API's back: uploads, deletes and
// submissions are made by the browser against the OSS API itself, through
// URLs the console presigns, so they pass the same checks as an SDK's.
// Everything, pages and data, needs the emulator's key pair: a login form
// that sets a signed HttpOnly SameSite cookie, or the task API's credentials
// (HTTP Basic, an OSS signature) on each request.
package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// Tasks reads the task queue; *queue.Queue implements it.
type Tasks interface {
	Get(ctx context.Context, id string) (*queue.Task, error)
	List(ctx context.Context, o queue.ListOptions) ([]*queue.Task, string, error)
}

// Canceller stops a queued or running task; *queue.Canceller implements it
// (on any node of a cluster), as does *queue.Pool. It returns
// queue.ErrNotFound or queue.ErrFinished when there is nothing to stop.
type Canceller interface {
	Cancel(ctx context.Context, id string) error
}

// Events is the source of task changes; *queue.Queue implements it.
type Events interface {
	Subscribe() (<-chan queue.Event, func())
}

// Authenticator checks the credentials of a request that carries no
// console cookie, as the task API does (HTTP Basic with the key pair, or an
// OSS signature); it returns an error to refuse.
type Authenticator interface {
	Authenticate(r *http.Request) error
}

// Presigner makes presigned OSS URLs (path and query) the browser uses to
// change objects and submit tasks through the OSS API; *auth.Verifier
// implements it.
type Presigner interface {
	Presign(method, bucket, key string, sub url.Values, contentType string, expires time.Time) string
}

// Media probes sources and plans tasks with the engines' own rules; nil
// hides those parts of a task's detail.
type Media interface {
	Probe(ctx context.Context, bucket, key string) (*Source, error)
	PlanConcat(ctx context.Context, bucket, object string, spec *parser.Concat) (*ConcatPlan, error)
	PlanSprite(ctx context.Context, bucket, object string, spec *parser.Sprite) (*SpritePlan, error)
}

// Notifications reports a task's notification and its deliveries;
// *notifier.Notifier implements it. nil hides notifications.
type Notifications interface {
	TaskStatus(ctx context.Context, taskID string) (*notifier.MessageStatus, error)
	TopicMessages(ctx context.Context, topic string, limit int) ([]notifier.MessageStatus, error)
}

// MNS inspects the built-in MNS service's queues and topics; nil hides the
// MNS view.
type MNS interface {
	Queues(ctx context.Context) ([]MNSQueue, error)
	Topics(ctx context.Context) ([]MNSTopic, error)
	// Peek returns up to n visible messages of a queue without receiving
	// them (their visibility does not change).
	Peek(ctx context.Context, queue string, n int) ([]MNSMessage, error)
}

// Config is everything the console is built on. Credentials, Tasks,
// Events, Storage, Presigner and Authenticator are required.
type Config struct {
	// Prefix is where the console is mounted, with a trailing slash
	// (default /_ossemu/console/).
	Prefix string
	// AccessKeyID and AccessKeySecret are the emulator's key pair: the
	// login form checks them and the session cookie is signed with a key
	// derived from them (changing the secret signs everyone out).
	AccessKeyID, AccessKeySecret string
	// SessionTTL is how long a login lasts (default 12h).
	SessionTTL time.Duration
	// Region is shown in the header and used for nothing else.
	Region string

	Tasks         Tasks
	Canceller     Canceller
	Events        Events
	Storage       storage.Backend
	Authenticator Authenticator
	Presigner     Presigner
	Media         Media
	Notifications Notifications
	MNS           MNS
	Logger        *slog.Logger
	Now           func() time.Time // nil = time.Now
}

// DefaultPrefix is where cmd/emulator mounts the console.
const DefaultPrefix = "/_ossemu/console/"

// Validate checks cfg and fills defaults.
func (c *Config) Validate() error {
	var errs []error
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if !strings.HasPrefix(c.Prefix, "/") || !strings.HasSuffix(c.Prefix, "/") {
		errs = append(errs, errors.New("console: prefix must start and end with /"))
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		errs = append(errs, errors.New("console: the key pair is required"))
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.Tasks == nil || c.Events == nil || c.Storage == nil || c.Authenticator == nil || c.Presigner == nil {
		errs = append(errs, errors.New("console: tasks, events, storage, authenticator and presigner are required"))
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return errors.Join(errs...)
}

// Console serves the web console and its data API.
type Console struct {
	cfg     Config
	key     []byte // session cookie signing key
	hub     *hub
	handler http.Handler
}

// New builds the console.
func New(cfg Config) (*Console, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Console{cfg: cfg, key: sessionKey(cfg.AccessKeyID, cfg.AccessKeySecret)}
	c.hub = newHub(cfg.Events, c.taskFrame, cfg.Logger)
	c.handler = c.routes()
	return c, nil
}

// Handler serves every path under Config.Prefix; mount it there.
func (c *Console) Handler() http.Handler { return c.handler }

// routes builds the console's mux. Everything but the login page goes
// through requireAuth.
func (c *Console) routes() http.Handler {
	p := c.cfg.Prefix
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+p+"login", c.loginPage)
	mux.HandleFunc("POST "+p+"login", c.login)
	mux.HandleFunc("POST "+p+"logout", c.logout)

	app := http.NewServeMux()
	app.HandleFunc("GET "+p+"{$}", c.index)
	app.Handle("GET "+p+"static/", c.static())
	api := p + "api/"
	app.HandleFunc("GET "+api+"session", c.api(c.session))
	app.HandleFunc("GET "+api+"events", c.events)
	app.HandleFunc("GET "+api+"tasks", c.api(c.listTasks))
	app.HandleFunc("GET "+api+"tasks/{id}", c.api(c.getTask))
	app.HandleFunc("GET "+api+"tasks/{id}/plan", c.api(c.planTask))
	app.HandleFunc("POST "+api+"tasks/{id}/cancel", c.api(c.cancelTask))
	app.HandleFunc("POST "+api+"parse", c.api(c.parse))
	app.HandleFunc("GET "+api+"probe/{bucket}/{key...}", c.api(c.probe))
	app.HandleFunc("GET "+api+"buckets", c.api(c.listBuckets))
	app.HandleFunc("GET "+api+"buckets/{bucket}/objects", c.api(c.listObjects))
	app.HandleFunc("GET "+api+"object/{bucket}/{key...}", c.serveObject)
	app.HandleFunc("POST "+api+"presign", c.api(c.presign))
	app.HandleFunc("GET "+api+"mns", c.api(c.mnsOverview))
	app.HandleFunc("GET "+api+"mns/queues/{queue}/peek", c.api(c.mnsPeek))
	app.HandleFunc("GET "+api+"mns/topics/{topic}/messages", c.api(c.mnsTopicMessages))
	app.HandleFunc(api, c.api(func(*http.Request) (any, error) {
		return nil, apiErr(http.StatusNotFound, "NotFound", "no such console API")
	}))
	mux.Handle(p, c.requireAuth(app))
	return securityHeaders(mux)
}

// securityHeaders keeps the console's pages from being framed or sniffed
// and lets them load only their own scripts and styles.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// The console is same-origin only, whatever the OSS API allows.
		h.Del("Access-Control-Allow-Origin")
		h.Del("Access-Control-Expose-Headers")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "+
			"style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}
