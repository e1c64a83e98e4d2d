package notifier

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Namespace is the XML namespace of every MNS document.
const Namespace = "http://mns.aliyuncs.com/doc/v1/"

// Notification is the body MNS pushes in the XML format (and, with JSON
// field names, in the JSON format).
type Notification struct {
	XMLName          xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ Notification" json:"-"`
	TopicOwner       string
	TopicName        string
	Subscriber       string
	SubscriptionName string
	MessageId        string
	Message          string
	MessageMD5       string
	MessageTag       string
	PublishTime      int64 // Unix milliseconds
}

// delivery is one message bound for one subscriber.
type delivery struct {
	id           int64
	attempts     int
	subscription string
	endpoint     string
	format       Format
	messageID    string
	topic        string
	body         string
	tag          string
	published    int64
}

func (n *Notifier) notification(d *delivery) Notification {
	return Notification{
		TopicOwner: n.cfg.AccountID, TopicName: d.topic, Subscriber: n.cfg.AccountID,
		SubscriptionName: d.subscription, MessageId: d.messageID, Message: d.body,
		MessageMD5: MD5Hex([]byte(d.body)), MessageTag: d.tag, PublishTime: d.published,
	}
}

// render is the body a subscriber gets in its format, and its Content-Type.
func (n *Notifier) render(d *delivery) ([]byte, string, error) {
	switch d.format {
	case FormatSimplified:
		return []byte(d.body), "text/plain;charset=utf-8", nil
	case FormatJSON:
		b, err := json.Marshal(n.notification(d))
		return b, "application/json;charset=utf-8", err
	default:
		return n.notification(d).XML(), "text/xml;charset=utf-8", nil
	}
}

// xmlText escapes only what XML requires in text (& < >, and CR, which a
// parser would otherwise fold), as MNS writes it: encoding/xml would also
// turn every quote of the JSON message into &#34;, which is valid but
// defeats receivers that look at the body with simple string matching.
var xmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")

// XML renders the notification as MNS pushes it.
func (m Notification) XML() []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<Notification xmlns="` + Namespace + `">`)
	field := func(name, v string) {
		b.WriteString("<" + name + ">" + xmlText.Replace(v) + "</" + name + ">")
	}
	field("TopicOwner", m.TopicOwner)
	field("TopicName", m.TopicName)
	field("Subscriber", m.Subscriber)
	field("SubscriptionName", m.SubscriptionName)
	field("MessageId", m.MessageId)
	field("Message", m.Message)
	field("MessageMD5", m.MessageMD5)
	field("MessageTag", m.MessageTag)
	field("PublishTime", strconv.FormatInt(m.PublishTime, 10))
	b.WriteString("</Notification>")
	return []byte(b.String())
}

// pushPath is the request path MNS posts to: the endpoint's own path, or
// /notifications when the endpoint URL has none.
func pushPath(u *url.URL) string {
	if p := u.EscapedPath(); p != "" {
		return p
	}
	return "/notifications"
}

// StringToSign is what MNS signs in a push (and what receivers verify):
// METHOD, Content-MD5, Content-Type, Date, every x-mns-* header as a
// lower-case "name:value" line in sorted order, then the request path.
func StringToSign(method string, h http.Header, path string) string {
	var mns []string
	for k, vs := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-mns-") && len(vs) > 0 {
			mns = append(mns, lk+":"+strings.TrimSpace(vs[0]))
		}
	}
	sort.Strings(mns)
	return method + "\n" + h.Get("Content-MD5") + "\n" + h.Get("Content-Type") + "\n" + h.Get("Date") + "\n" +
		strings.Join(mns, "\n") + "\n" + path
}

// NewRequestID makes an MNS-style request id (24 upper-case hex digits).
func NewRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

// pushRequest builds the signed POST of one delivery to an HTTP endpoint.
func (n *Notifier) pushRequest(ctx context.Context, d *delivery) (*http.Request, error) {
	u, err := url.Parse(d.endpoint)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", d.endpoint, err)
	}
	body, ctype, err := n.render(d)
	if err != nil {
		return nil, err
	}
	path := pushPath(u)
	u.Path, u.RawPath = "", ""
	if err := setEscapedPath(u, path); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set("Content-Type", ctype)
	h.Set("Content-MD5", MD5Hex(body))
	h.Set("Date", n.now().UTC().Format(http.TimeFormat))
	h.Set("User-Agent", "Aliyun Notification Service Agent")
	h.Set("x-mns-version", "2015-06-06")
	h.Set("x-mns-request-id", NewRequestID())
	h.Set("x-mns-message-id", d.messageID)
	if d.tag != "" {
		h.Set("x-mns-message-tag", d.tag)
	}
	h.Set("x-mns-topic-owner", n.cfg.AccountID)
	h.Set("x-mns-topic-name", d.topic)
	h.Set("x-mns-subscriber", n.cfg.AccountID)
	h.Set("x-mns-subscription-name", d.subscription)
	h.Set("x-mns-publish-time", strconv.FormatInt(d.published, 10))
	if u := n.CertURL(); u != "" {
		h.Set("x-mns-signing-cert-url", base64.StdEncoding.EncodeToString([]byte(u)))
	}
	sig, err := n.signer.Sign(StringToSign(http.MethodPost, h, path))
	if err != nil {
		return nil, err
	}
	h.Set("Authorization", sig)
	return req, nil
}

func setEscapedPath(u *url.URL, escaped string) error {
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return err
	}
	u.Path, u.RawPath = p, escaped
	return nil
}

// push delivers d to an HTTP endpoint: a 2xx answer within the timeout is
// success; anything else is an error to retry. a gets the answer's status,
// the start of its body and the time taken.
func (n *Notifier) push(ctx context.Context, d *delivery, a *Attempt) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := n.pushRequest(ctx, d)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := n.client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", d.endpoint, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	a.Status, a.Response, a.Duration = resp.StatusCode, strings.TrimSpace(string(snippet)), time.Since(start).Milliseconds()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: HTTP %d after %s: %s", d.endpoint, resp.StatusCode, time.Since(start).Round(time.Millisecond), strings.TrimSpace(string(snippet)))
	}
	return nil
}
