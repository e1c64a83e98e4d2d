package main

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// figures are the run's results; all but redeliveries must be 0.
type figures struct {
	tasks, succeeded, failed int
	outputs                  int
	lost, duplicated         []string
	halfVisible, broken      []string
	missingNotes, dupNotes   []string
	redeliveries             int
	listings                 int
	kills                    []string
	elapsed                  time.Duration
	byKind                   map[string]int
}

func (f *figures) clean() bool {
	return len(f.lost)+len(f.duplicated)+len(f.halfVisible)+len(f.broken)+len(f.missingNotes)+len(f.dupNotes) == 0
}

func (f *figures) print(out io.Writer) {
	fmt.Fprintf(out, "\n%d tasks (%s), %d kills, %s\n", f.tasks, kindSummary(f.byKind), len(f.kills), f.elapsed.Round(time.Second))
	for _, k := range f.kills {
		fmt.Fprintln(out, "  "+k)
	}
	fmt.Fprintf(out, "succeeded %d, failed %d, %d outputs checked, %d client listings\n", f.succeeded, f.failed, f.outputs, f.listings)
	row := func(name string, items []string) {
		fmt.Fprintf(out, "%-34s %d\n", name, len(items))
		for _, it := range items {
			fmt.Fprintln(out, "    "+it)
		}
	}
	row("lost tasks or outputs", f.lost)
	row("duplicated tasks or outputs", f.duplicated)
	row("half-visible output sets", f.halfVisible)
	row("broken outputs", f.broken)
	row("missing notifications", f.missingNotes)
	row("duplicated notifications", f.dupNotes)
	fmt.Fprintf(out, "%-34s %d\n", "redeliveries (same message id)", f.redeliveries)
}

func kindSummary(m map[string]int) string {
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// check compares the end state with what was submitted and observed.
func (w *workload) check(ctx context.Context, obs *observer, recv *receiver) (*figures, error) {
	f := &figures{tasks: len(w.tasks), kills: w.kills, listings: obs.listings, byKind: map[string]int{}}
	ts, err := w.list(ctx)
	if err != nil {
		return nil, err
	}
	listed := map[string]apiTask{}
	for _, t := range ts {
		if _, dup := listed[t.TaskId]; dup {
			f.duplicated = append(f.duplicated, "task listed twice: "+t.TaskId)
		}
		listed[t.TaskId] = t
	}
	c := w.em.client()
	for _, tk := range w.tasks {
		f.byKind[tk.kind]++
		t, ok := listed[tk.id]
		if !ok {
			f.lost = append(f.lost, "acknowledged task missing: "+tk.id)
			continue
		}
		visible, err := listPrefix(ctx, c, tk.prefix)
		if err != nil {
			return nil, err
		}
		sort.Strings(visible)
		final := visible
		switch t.Status {
		case "Succeeded":
			f.succeeded++
			f.checkTargets(ctx, c, tk, t, visible)
		default:
			f.failed++
			f.lost = append(f.lost, fmt.Sprintf("%s %s %s: %s: %s", tk.kind, tk.id, t.Status, t.Code, t.Message))
			if len(visible) > 0 {
				f.halfVisible = append(f.halfVisible, fmt.Sprintf("%s ended %s with %d outputs visible", tk.id, t.Status, len(visible)))
			}
			final = nil
		}
		for set, where := range obs.seen[tk.prefix] {
			if set != strings.Join(final, "\n") {
				f.halfVisible = append(f.halfVisible, fmt.Sprintf("%s (%s): %d of its %d outputs %s",
					tk.id, tk.kind, strings.Count(set, "\n")+1, len(final), where))
			}
		}
		messages, deliveries := recv.counts(tk.id)
		switch {
		case messages == 0:
			f.missingNotes = append(f.missingNotes, tk.id)
		case messages > 1:
			f.dupNotes = append(f.dupNotes, fmt.Sprintf("%s announced by %d messages", tk.id, messages))
		}
		f.redeliveries += deliveries - messages
	}
	return f, nil
}

// checkTargets compares a succeeded task's targets with what its prefix
// holds and checks that every output decodes.
func (f *figures) checkTargets(ctx context.Context, c *oss.Client, tk *task, t apiTask, visible []string) {
	targets := map[string]bool{}
	for _, tg := range t.Targets {
		key := strings.TrimPrefix(tg.URI, "oss://media/")
		targets[key] = true
		if !contains(visible, key) {
			f.lost = append(f.lost, fmt.Sprintf("%s: target %s missing", tk.id, key))
		}
	}
	if len(targets) == 0 {
		f.lost = append(f.lost, tk.id+": succeeded without targets")
	}
	for _, key := range visible {
		if !targets[key] {
			f.duplicated = append(f.duplicated, fmt.Sprintf("%s: %s is under its prefix but not a target", tk.id, key))
			continue
		}
		f.outputs++
		if err := decodes(ctx, c, key); err != nil {
			f.broken = append(f.broken, fmt.Sprintf("%s: %s: %v", tk.id, key, err))
		}
	}
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// decodes downloads an output and checks it: JPEG sheets decode, the HLS
// playlist names its segments, media files probe with a positive duration.
func decodes(ctx context.Context, c *oss.Client, key string) error {
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)})
	if err != nil {
		return err
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	switch path.Ext(key) {
	case ".jpg":
		_, err := jpeg.Decode(bytes.NewReader(data))
		return err
	case ".m3u8":
		if !bytes.HasPrefix(data, []byte("#EXTM3U")) || !bytes.Contains(data, []byte("#EXT-X-ENDLIST")) {
			return fmt.Errorf("not a complete playlist")
		}
		return nil
	}
	tmp, err := os.CreateTemp("", "reliability-*"+path.Ext(key))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	tmp.Write(data)
	tmp.Close()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", tmp.Name()).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffprobe: %v: %s", err, out)
	}
	var d float64
	if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &d); err != nil || d <= 0 {
		return fmt.Errorf("duration %q", strings.TrimSpace(string(out)))
	}
	return nil
}
