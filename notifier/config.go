package notifier

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/osserr"
)

// Format is an MNS NotifyContentFormat: how a message is wrapped when it is
// pushed to a subscriber.
type Format string

// The three formats MNS offers. XML is MNS's default for HTTP endpoints.
const (
	FormatXML        Format = "XML"
	FormatSimplified Format = "SIMPLIFIED"
	FormatJSON       Format = "JSON"
)

// ParseFormat accepts a format name in any case; "" means XML.
func ParseFormat(s string) (Format, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "XML":
		return FormatXML, nil
	case "SIMPLIFIED":
		return FormatSimplified, nil
	case "JSON":
		return FormatJSON, nil
	}
	return "", osserr.New(osserr.InvalidArgument, "notify format %q: want XML, SIMPLIFIED or JSON", s)
}

// Endpoint is one HTTP push subscription from configuration
// (--notify-endpoint / OSSEMU_NOTIFY_ENDPOINTS).
type Endpoint struct {
	Topic  string // topic name, or "*" for every topic
	URL    string
	Format Format
}

// Name is the SubscriptionName the endpoint's notifications carry. It is
// derived from the endpoint itself so it stays the same across restarts and
// configuration reorderings.
func (e Endpoint) Name() string {
	sum := sha1.Sum([]byte(e.Topic + "\x00" + e.URL + "\x00" + string(e.Format)))
	return "ossemu-endpoint-" + hex.EncodeToString(sum[:4])
}

// Matches reports whether the endpoint subscribes to topic.
func (e Endpoint) Matches(topic string) bool {
	return e.Topic == "*" || e.Topic == topic
}

// ParseEndpoint reads the --notify-endpoint syntax `TOPIC=URL[#FORMAT]`:
// TOPIC is an MNS topic name or `*`; URL is an http(s) URL; the optional
// `#XML`, `#SIMPLIFIED` or `#JSON` suffix picks the body format (XML by
// default). A URL fragment is never sent over HTTP, so `#` cannot clash with
// a meaningful part of the target.
func ParseEndpoint(s string) (Endpoint, error) {
	s = strings.TrimSpace(s)
	topic, rest, ok := strings.Cut(s, "=")
	if !ok || topic == "" || rest == "" {
		return Endpoint{}, osserr.New(osserr.InvalidArgument, "notify endpoint %q: want TOPIC=URL[#FORMAT]", s)
	}
	if topic != "*" && !ValidName(topic) {
		return Endpoint{}, osserr.New(osserr.InvalidArgument, "notify endpoint %q: topic %q is not a valid MNS topic name (letters, digits, '-', starting with a letter, at most 256) or *", s, topic)
	}
	raw, frag, _ := strings.Cut(rest, "#")
	format, err := ParseFormat(frag)
	if err != nil {
		return Endpoint{}, osserr.New(osserr.InvalidArgument, "notify endpoint %q: format %q: want XML, SIMPLIFIED or JSON", s, frag)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Endpoint{}, osserr.New(osserr.InvalidArgument, "notify endpoint %q: %q is not an http(s) URL", s, raw)
	}
	return Endpoint{Topic: topic, URL: raw, Format: format}, nil
}

// ParseEndpointList reads OSSEMU_NOTIFY_ENDPOINTS: endpoints separated by
// commas; empty items are skipped.
func ParseEndpointList(s string) ([]Endpoint, error) {
	var out []Endpoint
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		e, err := ParseEndpoint(item)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ValidName reports whether s is a valid MNS queue, topic or subscription
// name: 1–256 letters, digits and hyphens, starting with a letter. MNS uses
// one rule for all three, the rule the parser applies to notify topics.
func ValidName(s string) bool { return names.ValidMNSName(s) }

// Config configures notifications. Zero values take the defaults below.
type Config struct {
	// DataDir holds the signing key and certificate (created on first start).
	DataDir string
	// Endpoints are the configured HTTP push subscriptions.
	Endpoints []Endpoint
	// CertURL is where receivers fetch the signing certificate
	// (e.g. http://host:port/_ossemu/mns/cert.pem); sent base64-encoded in
	// x-mns-signing-cert-url.
	CertURL string
	// Region, AccountID and ProjectName fill the envelope's subject and the
	// MNS TopicOwner/Subscriber fields.
	Region      string
	AccountID   string
	ProjectName string
	// Timeout is how long a receiver has to answer (MNS: 5 s).
	Timeout time.Duration
	// MaxAttempts is how many deliveries are tried before a message is dead.
	MaxAttempts int
	// Backoff is the wait after the first failure; it doubles per failure up
	// to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// PollInterval is how often the dispatcher looks for due work when
	// nothing woke it.
	PollInterval time.Duration
	// Workers is how many pushes run at once.
	Workers int
	// Retention is how long a message whose deliveries have all ended
	// (delivered or dead, or it had no subscribers) stays queryable before
	// the dispatcher deletes it.
	Retention time.Duration
}

// Defaults.
const (
	DefaultRegion       = "cn-hangzhou"
	DefaultAccountID    = "1000000000000001"
	DefaultProjectName  = "ossemu"
	DefaultTimeout      = 5 * time.Second
	DefaultMaxAttempts  = 10
	DefaultBackoff      = time.Second
	DefaultMaxBackoff   = 5 * time.Minute
	DefaultPollInterval = time.Second
	DefaultWorkers      = 4
	DefaultRetention    = 7 * 24 * time.Hour
)

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	set(&c.Region, DefaultRegion)
	set(&c.AccountID, DefaultAccountID)
	set(&c.ProjectName, DefaultProjectName)
	setDur := func(p *time.Duration, v time.Duration) {
		if *p == 0 {
			*p = v
		}
	}
	setDur(&c.Timeout, DefaultTimeout)
	setDur(&c.Backoff, DefaultBackoff)
	setDur(&c.MaxBackoff, DefaultMaxBackoff)
	setDur(&c.PollInterval, DefaultPollInterval)
	setDur(&c.Retention, DefaultRetention)
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	return c
}

// Validate checks a defaulted Config.
func (c Config) Validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("notifier: DataDir is required (the signing key lives there)")
	}
	if c.MaxAttempts < 1 || c.Workers < 1 || c.Timeout <= 0 || c.Backoff <= 0 || c.MaxBackoff < c.Backoff || c.PollInterval <= 0 || c.Retention <= 0 {
		return fmt.Errorf("notifier: attempts, workers, timeout, backoff and poll interval must be positive (max backoff ≥ backoff)")
	}
	for _, e := range c.Endpoints {
		if _, err := ParseEndpoint(e.Topic + "=" + e.URL + "#" + string(e.Format)); err != nil {
			return err
		}
	}
	return nil
}
