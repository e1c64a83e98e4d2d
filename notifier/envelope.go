package notifier

import (
	"crypto/rand"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Status values of a finished task, as IMM spells them.
const (
	StatusSucceeded = "Succeeded"
	StatusFailed    = "Failed"
)

// Task is what the notifier needs to know about a finished task. The queue
// integration fills it from its own task record (see hook.go).
type Task struct {
	ID        string // TaskId, e.g. MediaConvert-<uuid>
	EventID   string // the async call's EventId; becomes the envelope id
	RequestID string // the async call's RequestId
	Topic     string // notify topic; "" = publish nothing
	Status    string // StatusSucceeded or StatusFailed
	Code      string // error code when Failed
	Message   string // error message when Failed
	Start     time.Time
	End       time.Time
	UserData  string
	Sources   []string // oss://bucket/key of every input, in order
	Targets   []Target
}

// Target is one output of a task. A concat output is a plain URI; a sprite
// task has one target whose sheets are listed under Sprites, which is where
// IMM's MediaConvert targets put sprite images.
type Target struct {
	URI     string
	Sprites []string // oss://bucket/key of each sprite sheet
}

// TaskType is the IMM task type of a task id: the part before the first '-'
// (MediaConvert-…), MediaConvert when the id has no such prefix. OSS's
// video/concat and video/sprite both run as IMM MediaConvert tasks (sprites
// are MediaConvert targets' Image.Sprites), so their events are
// imm:Task:MediaConvert.
func TaskType(taskID string) string {
	if i := strings.IndexByte(taskID, '-'); i > 0 {
		return taskID[:i]
	}
	return "MediaConvert"
}

// OSSURI formats an object as IMM writes it.
func OSSURI(bucket, key string) string { return "oss://" + bucket + "/" + key }

type envelope struct {
	ID      string `json:"id"`
	Source  string `json:"source"`
	Type    string `json:"type"`
	Subject string `json:"subject"`
	Time    string `json:"time"`
	Content string `json:"content"`
}

type content struct {
	ProjectName string
	RequestId   string
	StartTime   string
	EndTime     string
	UserData    string
	TaskType    string
	TaskId      string
	Status      string
	Code        string
	Message     string
	Sources     []uri
	Targets     []contentTarget
}

type uri struct {
	URI string
}

type contentTarget struct {
	URI   string
	Image *image `json:",omitempty"`
}

type image struct {
	Sprites    []uri
	Snapshots  []uri
	Animations []uri
}

// imsTime formats like IMM: RFC 3339 in UTC with trailing fractional zeros
// dropped (2024-08-20T07:03:07.36Z).
func immTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Envelope builds the message body IMM publishes when t ends: a JSON object
// (id, source "acs.imm", type "imm:Task:<TaskType>", subject, time, content)
// whose content field is itself a JSON document in a string. now stamps the
// envelope's time (milliseconds, as a string).
func Envelope(cfg Config, t Task, now time.Time) ([]byte, error) {
	cfg = cfg.WithDefaults()
	taskType := TaskType(t.ID)
	c := content{
		ProjectName: cfg.ProjectName,
		RequestId:   t.RequestID,
		StartTime:   immTime(t.Start),
		EndTime:     immTime(t.End),
		UserData:    t.UserData,
		TaskType:    taskType,
		TaskId:      t.ID,
		Status:      t.Status,
		Code:        t.Code,
		Message:     t.Message,
		Sources:     []uri{},
		Targets:     []contentTarget{},
	}
	for _, s := range t.Sources {
		c.Sources = append(c.Sources, uri{s})
	}
	for _, tg := range t.Targets {
		ct := contentTarget{URI: tg.URI}
		if len(tg.Sprites) > 0 {
			ct.Image = &image{}
			for _, s := range tg.Sprites {
				ct.Image.Sprites = append(ct.Image.Sprites, uri{s})
			}
		}
		c.Targets = append(c.Targets, ct)
	}
	inner, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	id := t.EventID
	if id == "" {
		id = eventID()
	}
	eventType := "imm:Task:" + taskType
	return json.Marshal(envelope{
		ID:      id,
		Source:  "acs.imm",
		Type:    eventType,
		Subject: "acs:imm:" + cfg.Region + ":" + cfg.AccountID + ":" + cfg.ProjectName + "/" + eventType,
		Time:    strconv.FormatInt(now.UnixMilli(), 10),
		Content: string(inner),
	})
}

// eventID makes an id shaped like IMM's event ids (25E-<27 base62 chars>)
// for tasks that carry none.
func eventID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 27)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "25E-" + string(b)
}
