package console

import (
	"context"
	"errors"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
)

// taskRow is a task as the list (and the live stream) shows it.
type taskRow struct {
	ID          string   `json:"TaskId"`
	Status      string   `json:"Status"` // Queued, Running, Succeeded, Failed
	Action      string   `json:"Action"`
	Bucket      string   `json:"Bucket"`
	Object      string   `json:"Object"`
	Sources     []objRef `json:"Sources"`
	Targets     []objRef `json:"Targets"`
	Progress    int      `json:"Progress"`
	Attempts    int      `json:"Attempts"`
	Code        string   `json:"Code"`    // final tasks only
	Message     string   `json:"Message"` // final tasks only
	LastError   string   `json:"LastError,omitempty"`
	SubmitTime  string   `json:"SubmitTime"`
	StartTime   string   `json:"StartTime,omitempty"`
	EndTime     string   `json:"EndTime,omitempty"`
	NextRunTime string   `json:"NextRunTime,omitempty"`
	NotifyTopic string   `json:"NotifyTopic,omitempty"`
	Process     string   `json:"Process"`
}

type objRef struct {
	Bucket string `json:"Bucket"`
	Key    string `json:"Key"`
}

func refs(rs []queue.Ref) []objRef {
	out := make([]objRef, 0, len(rs))
	for _, r := range rs {
		out = append(out, objRef{Bucket: r.Bucket, Key: r.Key})
	}
	return out
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func viewRow(t *queue.Task) taskRow {
	v := taskRow{
		ID: t.ID, Status: t.State.Status(), Action: t.Action, Bucket: t.Bucket, Object: t.Object,
		Sources: refs(t.Sources), Targets: refs(t.Targets), Progress: t.Progress, Attempts: t.Attempts,
		SubmitTime: stamp(t.CreatedAt), StartTime: stamp(t.StartedAt), EndTime: stamp(t.FinishedAt),
		NotifyTopic: t.Topic, Process: t.Process,
	}
	switch {
	case t.State.Final():
		v.Code, v.Message = t.Code, t.Message
	case t.Code != "":
		// A transient failure being retried: worth seeing while it waits.
		v.LastError = t.Code + ": " + t.Message
		v.NextRunTime = stamp(t.NextRunAt)
	}
	return v
}

// maxScanPages bounds how many queue pages one filtered list request reads.
const maxScanPages = 10

// listTasks answers GET api/tasks?status=&action=&limit=&next=.
func (c *Console) listTasks(r *http.Request) (any, error) {
	q := r.URL.Query()
	var opts queue.ListOptions
	if v := q.Get("status"); v != "" {
		st, ok := queue.ParseStatus(v)
		if !ok {
			return nil, apiErr(http.StatusBadRequest, "InvalidArgument", "status %q is not one of Queued, Running, Succeeded, Failed", v)
		}
		opts.State = st
	}
	opts.Limit = 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > queue.MaxListLimit {
			return nil, apiErr(http.StatusBadRequest, "InvalidArgument", "limit %q out of range [1, %d]", v, queue.MaxListLimit)
		}
		opts.Limit = n
	}
	action := q.Get("action")
	opts.Next = q.Get("next")
	rows := []taskRow{}
	// With an action filter, whole pages are read until enough match, so
	// the next token never skips a task.
	for range maxScanPages {
		tasks, next, err := c.cfg.Tasks.List(r.Context(), opts)
		if errors.Is(err, queue.ErrBadToken) {
			return nil, apiErr(http.StatusBadRequest, "InvalidArgument", "next token %q is not valid", opts.Next)
		}
		if err != nil {
			return nil, err
		}
		for _, t := range tasks {
			if row := viewRow(t); action == "" || row.Action == action {
				rows = append(rows, row)
			}
		}
		opts.Next = next
		if next == "" || len(rows) >= opts.Limit {
			break
		}
	}
	return map[string]any{"Tasks": rows, "NextToken": opts.Next}, nil
}

// taskDetail is everything the detail view shows that is quick to read;
// probing and planning come from planTask.
type taskDetail struct {
	taskRow
	EventID      string                  `json:"EventId"`
	RequestID    string                  `json:"SubmitRequestId"`
	Decoded      *decoded                `json:"Decoded,omitempty"`
	ParseError   *apiError               `json:"ParseError,omitempty"`
	Outputs      []output                `json:"Outputs"`
	Notification *notifier.MessageStatus `json:"Notification,omitempty"`
}

// output is one target object with how the console can show it.
type output struct {
	objRef
	Kind        string `json:"Kind"` // video, audio, image, playlist, other
	ContentType string `json:"ContentType"`
	Size        int64  `json:"Size"`
	Missing     bool   `json:"Missing,omitempty"` // deleted since the task ended
	URL         string `json:"URL"`               // through the console's object endpoint
}

func (c *Console) getTask(r *http.Request) (any, error) {
	ctx := r.Context()
	t, err := c.cfg.Tasks.Get(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	d := taskDetail{taskRow: viewRow(t), EventID: t.EventID, RequestID: t.RequestID, Outputs: []output{}}
	if d.Decoded, err = decode(t.Process, t.Object); err != nil {
		_, d.ParseError = c.errorBody(r, err)
	}
	for _, ref := range t.Targets {
		d.Outputs = append(d.Outputs, c.describeOutput(ctx, ref))
	}
	if c.cfg.Notifications != nil && t.Topic != "" {
		if d.Notification, err = c.cfg.Notifications.TaskStatus(ctx, t.ID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// describeOutput stats a target and picks its viewer.
func (c *Console) describeOutput(ctx context.Context, ref queue.Ref) output {
	o := output{objRef: objRef{Bucket: ref.Bucket, Key: ref.Key}, URL: c.objectURL(ref.Bucket, ref.Key)}
	info, err := c.cfg.Storage.StatObject(ctx, ref.Bucket, ref.Key)
	if err != nil {
		o.Missing, o.Kind = true, "other"
		return o
	}
	o.ContentType, o.Size = info.ContentType, info.Size
	o.Kind = mediaKind(info.ContentType, ref.Key)
	return o
}

// mediaKind picks a viewer from the content type, else the extension.
func mediaKind(ctype, key string) string {
	ext := strings.ToLower(path.Ext(key))
	switch {
	case strings.Contains(ctype, "mpegurl") || ext == ".m3u8":
		return "playlist"
	case strings.HasPrefix(ctype, "video/") || strings.HasPrefix(ctype, "application/mxf"):
		return "video"
	case strings.HasPrefix(ctype, "audio/"):
		return "audio"
	case strings.HasPrefix(ctype, "image/"):
		return "image"
	}
	switch ext {
	case ".mp4", ".mkv", ".mov", ".webm", ".ts", ".flv", ".avi", ".asf", ".mxf":
		return "video"
	case ".mp3", ".aac", ".flac", ".oga", ".ogg", ".opus", ".ac3", ".wav", ".m4a":
		return "audio"
	case ".jpg", ".jpeg", ".png", ".gif", ".webp":
		return "image"
	}
	return "other"
}

// taskPlan is the slow part of a task's detail: its sources probed and
// what the engine makes of the request.
type taskPlan struct {
	Sources   []sourceView `json:"Sources"`
	Concat    *ConcatPlan  `json:"Concat,omitempty"`
	Video     []paramView  `json:"Video,omitempty"` // the concat parameters with the planned values filled in
	Audio     []paramView  `json:"Audio,omitempty"`
	Sprite    *SpritePlan  `json:"Sprite,omitempty"`
	PlanError *apiError    `json:"PlanError,omitempty"`
}

type sourceView struct {
	objRef
	Source *Source   `json:"Source,omitempty"`
	Error  *apiError `json:"Error,omitempty"`
}

// planTimeout bounds probing and planning (reading a long video's packets
// for a sprite plan takes a moment).
const planTimeout = time.Minute

func (c *Console) planTask(r *http.Request) (any, error) {
	if c.cfg.Media == nil {
		return nil, apiErr(http.StatusNotImplemented, "NotImplemented", "media inspection is not configured")
	}
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	t, err := c.cfg.Tasks.Get(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	out := taskPlan{Sources: []sourceView{}}
	seen := map[queue.Ref]bool{}
	for _, ref := range t.Sources {
		if seen[ref] {
			continue
		}
		seen[ref] = true
		sv := sourceView{objRef: objRef{Bucket: ref.Bucket, Key: ref.Key}}
		if sv.Source, err = c.cfg.Media.Probe(ctx, ref.Bucket, ref.Key); err != nil {
			_, sv.Error = c.errorBody(r, err)
		}
		out.Sources = append(out.Sources, sv)
	}
	d, err := decode(t.Process, t.Object)
	if err != nil {
		_, out.PlanError = c.errorBody(r, err)
		return out, nil
	}
	switch {
	case d.Pipe.Concat != nil:
		out.Concat, err = c.cfg.Media.PlanConcat(ctx, t.Bucket, t.Object, d.Pipe.Concat)
		if err == nil {
			out.Video, out.Audio = fillPlanned(d.Concat, out.Concat)
		}
	case d.Pipe.Sprite != nil:
		out.Sprite, err = c.cfg.Media.PlanSprite(ctx, t.Bucket, t.Object, d.Pipe.Sprite)
	}
	if err != nil {
		_, out.PlanError = c.errorBody(r, err)
	}
	return out, nil
}

// fillPlanned gives the parameters the request left to the align clip the
// values the engine resolved.
func fillPlanned(v *concatView, p *ConcatPlan) (video, audio []paramView) {
	video, audio = append([]paramView(nil), v.Video...), append([]paramView(nil), v.Audio...)
	for i := range video {
		pv := p.Video
		if pv == nil || video[i].Origin != "align" {
			continue
		}
		switch video[i].Key {
		case "fps":
			video[i].Value = num(pv.FPS)
		case "pixfmt":
			video[i].Value = pv.PixFmt
		case "s":
			video[i].Value = sizeText(pv.Width, pv.Height)
		case "vb":
			video[i].Value = strconv.FormatInt(pv.Bitrate, 10)
			video[i].Origin = "engine" // computed from size and rate, not copied
		}
		if video[i].Origin == "align" && pv.From >= 0 {
			video[i].Origin = "clip " + strconv.Itoa(pv.From)
		}
	}
	for i := range audio {
		pa := p.Audio
		if pa == nil || audio[i].Origin != "align" {
			continue
		}
		switch audio[i].Key {
		case "ar":
			audio[i].Value = strconv.Itoa(pa.SampleRate)
		case "ac":
			audio[i].Value = strconv.Itoa(pa.Channels)
		}
		if pa.From >= 0 {
			audio[i].Origin = "clip " + strconv.Itoa(pa.From)
		}
	}
	return video, audio
}

// cancelTask answers POST api/tasks/{id}/cancel.
func (c *Console) cancelTask(r *http.Request) (any, error) {
	if c.cfg.Canceller == nil {
		return nil, apiErr(http.StatusNotImplemented, "NotImplemented", "cancelling is not configured")
	}
	id := r.PathValue("id")
	err := c.cfg.Canceller.Cancel(r.Context(), id)
	if errors.Is(err, queue.ErrFinished) {
		return nil, apiErr(http.StatusConflict, "TaskFinished", "task %s has already ended", id)
	}
	if err != nil {
		return nil, err
	}
	t, err := c.cfg.Tasks.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return viewRow(t), nil
}

// parse answers POST api/parse {"Process": …, "Object": …} with the
// decoded style, or the parser's error exactly as the API answers it.
func (c *Console) parse(r *http.Request) (any, error) {
	var in struct{ Process, Object string }
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	d, err := decode(in.Process, in.Object)
	if err != nil {
		if e, ok := osserr.As(err); ok {
			return map[string]any{"OK": false, "Error": apiError{Code: e.Code.Name, Message: e.Message}}, nil
		}
		return nil, err
	}
	return map[string]any{"OK": true, "Decoded": d}, nil
}

// probe answers GET api/probe/{bucket}/{key...}.
func (c *Console) probe(r *http.Request) (any, error) {
	if c.cfg.Media == nil {
		return nil, apiErr(http.StatusNotImplemented, "NotImplemented", "media inspection is not configured")
	}
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	return c.cfg.Media.Probe(ctx, r.PathValue("bucket"), r.PathValue("key"))
}
