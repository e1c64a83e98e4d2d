package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// task is one submitted task; its outputs live under prefix.
type task struct {
	id, kind, prefix string
}

// kinds are the task shapes, one output or many (sprites publish dozens of
// sheets, segmented concats a playlist and its segments).
var kinds = []struct {
	name, source string
	process      func(prefix string) string
}{
	{"concat", "a.mp4", func(p string) string {
		return "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + b64("b.mp4") + "|sys/saveas,o_" + b64(p+"joined.mp4")
	}},
	{"concat-mkv", "b.mp4", func(p string) string {
		return "video/concat,f_mkv,vcodec_h264,acodec_aac,s_320x240/pre,o_" + b64("c.mov") + "|sys/saveas,o_" + b64(p+"joined.mkv")
	}},
	{"segments", "a.mp4", func(p string) string {
		return "video/concat,f_ts,vcodec_h264,acodec_aac/segment,f_ts,t_500|sys/saveas,o_" + b64(p+"seg-{index}.ts")
	}},
	{"sprite", "a.mp4", func(p string) string {
		return "video/sprite,f_jpg,sw_64,sh_48,inter_250,tw_2,th_2,pad_0,margin_0|sys/saveas,o_" + b64(p+"sheet-{index}.jpg")
	}},
	{"sprite-many", "a.mp4", func(p string) string {
		return "video/sprite,f_jpg,sw_32,sh_32,inter_100,tw_1,th_1,pad_0,margin_0|sys/saveas,o_" + b64(p+"{index}.jpg")
	}},
}

// topic is the notify topic of every task; the receiver gets them all.
const topic = "reliability"

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// workload is the submitted tasks and the emulator running them.
type workload struct {
	em    *emulator
	rng   *rand.Rand
	tasks []*task
	byID  map[string]*task
	kills []string // how each kill happened
}

func newWorkload(em *emulator, rng *rand.Rand) *workload {
	return &workload{em: em, rng: rng, byID: map[string]*task{}}
}

func (w *workload) upload(ctx context.Context, paths map[string]string) error {
	for key, p := range paths {
		if _, err := w.em.client().PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, p); err != nil {
			return fmt.Errorf("uploading %s: %w", key, err)
		}
	}
	return nil
}

// submit sends n tasks of random kinds, each acknowledged before the next.
func (w *workload) submit(ctx context.Context, n int) error {
	for i := range n {
		k := kinds[w.rng.IntN(len(kinds))]
		prefix := fmt.Sprintf("out/%03d-%s/", i, k.name)
		res, err := w.em.client().AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
			Bucket: oss.Ptr("media"), Key: oss.Ptr(k.source),
			AsyncProcess: oss.Ptr(k.process(prefix) + "/notify,topic_" + b64(topic)),
		})
		if err != nil {
			return fmt.Errorf("submitting task %d: %w", i, err)
		}
		t := &task{id: res.TaskId, kind: k.name, prefix: prefix}
		w.tasks = append(w.tasks, t)
		w.byID[t.id] = t
	}
	return nil
}

// apiTask is the task API's view of a task.
type apiTask struct {
	TaskId, Status, Code, Message string
	Attempts                      int
	Targets                       []struct{ URI string }
}

// list returns every task the emulator knows, all pages.
func (w *workload) list(ctx context.Context) ([]apiTask, error) {
	var all []apiTask
	next := ""
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.em.url+"/_ossemu/tasks?limit=100&next="+next, nil)
		if err != nil {
			return nil, err
		}
		req.SetBasicAuth(accessKeyID, accessKeySecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		var page struct {
			Tasks     []apiTask
			NextToken string
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("task API: %w", err)
		}
		all = append(all, page.Tasks...)
		if next = page.NextToken; next == "" {
			return all, nil
		}
	}
}

// final reports whether every submitted task is Succeeded or Failed.
func final(ts []apiTask) bool {
	for _, t := range ts {
		if t.Status != "Succeeded" && t.Status != "Failed" {
			return false
		}
	}
	return true
}

// killAndRestart kills the emulator n times at random moments: half the
// time a random 0.5–5 s after it started, else just as a task starts
// publishing its outputs (0–20 ms after the log says so). It restarts it
// after each kill, once the observer has looked at the data directory.
func (w *workload) killAndRestart(ctx context.Context, n int, obs *observer) error {
	for k := range n {
		ts, err := w.list(ctx)
		if err != nil {
			return err
		}
		if final(ts) {
			fmt.Printf("every task was final before kill %d\n", k+1)
			return nil
		}
		var how string
		if w.rng.IntN(2) == 0 {
			d := time.Duration(500+w.rng.IntN(4500)) * time.Millisecond
			obs.watch(ctx, d)
			how = fmt.Sprintf("%.1f s after the start", d.Seconds())
		} else if w.em.waitLog(ctx, "queue: publishing", time.Minute) {
			time.Sleep(time.Duration(w.rng.IntN(20)) * time.Millisecond)
			how = "while a task published its outputs"
		} else {
			how = "1 min after the start (nothing was published)"
		}
		running := 0
		if ts, err := w.list(ctx); err == nil {
			for _, t := range ts {
				if t.Status == "Running" {
					running++
				}
			}
		}
		w.em.kill()
		w.kills = append(w.kills, fmt.Sprintf("kill %d: %s, %d tasks running", k+1, how, running))
		fmt.Println(w.kills[len(w.kills)-1])
		if err := obs.inspectDataDir(ctx, w.em.dataDir, k+1); err != nil {
			return err
		}
		if err := w.em.start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// waitAllFinal waits, observing, until every task is final.
func (w *workload) waitAllFinal(ctx context.Context, obs *observer) error {
	for {
		ts, err := w.list(ctx)
		if err != nil {
			return err
		}
		if len(ts) >= len(w.tasks) && final(ts) {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("tasks still not final: %w", ctx.Err())
		}
		obs.watch(ctx, time.Second)
	}
}
