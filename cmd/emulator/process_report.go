package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/server"
)

// progressReporter shows a run's progress on stderr: a bar redrawn in
// place on a terminal (every new percentage), else a "<action>: N%" line
// every 5 % (at most 21 lines for a log).
type progressReporter struct {
	mu    sync.Mutex
	w     io.Writer
	bar   bool
	label string
	last  int  // last percentage shown; -1: none yet
	open  bool // a bar is drawn and its line not ended
}

// newProgressReporter reports to w; nil (reporting nothing) when quiet.
func newProgressReporter(w io.Writer, quiet bool, label string) *progressReporter {
	if quiet {
		return nil
	}
	return &progressReporter{w: w, bar: isTerminal(w), label: label, last: -1}
}

// isTerminal reports whether w is a terminal (a TTY, not a pipe or file).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// report shows pct (0–100); the engines may call it from any goroutine.
func (p *progressReporter) report(pct int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pct == p.last || !p.bar && p.last >= 0 && pct/5 == p.last/5 {
		return
	}
	p.last = pct
	if !p.bar {
		fmt.Fprintf(p.w, "%s: %d%%\n", p.label, pct/5*5)
		return
	}
	fmt.Fprint(p.w, "\r"+progressBar(p.label, pct, 40))
	p.open = true
}

// progressBar draws "label [#####.....]  42%" with width cells.
func progressBar(label string, pct, width int) string {
	pct = min(max(pct, 0), 100)
	full := pct * width / 100
	return fmt.Sprintf("%s [%s%s] %3d%%", label, strings.Repeat("#", full), strings.Repeat(".", width-full), pct)
}

// done ends the bar's line, so what follows starts on its own.
func (p *progressReporter) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

// percent is the last percentage reported (0 when none).
func (p *progressReporter) percent() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(p.last, 0)
}

// describeError is a failure's OSS code and message, as the queue records
// them on a failed task.
func describeError(err error) (string, string) {
	if e, ok := osserr.As(err); ok {
		return e.Code.Name, e.Message
	}
	return osserr.InternalError.Name, err.Error()
}

// localTask is the run as the task queue would have stored it.
func localTask(r *localRequest, started, finished time.Time) *queue.Task {
	return &queue.Task{
		ID: queue.NewTaskID(), Type: queue.TaskTypeMediaConvert, EventID: queue.NewEventID(),
		Action: r.pipeline.Action(), Bucket: processBucket, Object: r.object, Process: r.process,
		Sources: r.sources, Attempts: 1, CreatedAt: r.created,
		StartedAt: started.UTC().Truncate(time.Millisecond), FinishedAt: finished.UTC().Truncate(time.Millisecond),
	}
}

// writeTaskJSON prints t as GET /_ossemu/tasks/<id> describes it, plus
// Files: where each target was written.
func writeTaskJSON(w io.Writer, t *queue.Task, outs []placed) error {
	body, err := server.TaskJSON(t)
	if err != nil {
		return err
	}
	files := make([]string, 0, len(outs))
	for _, o := range outs {
		files = append(files, o.Path)
	}
	extra, err := json.Marshal(files)
	if err != nil {
		return err
	}
	// Append "Files" to the object, keeping the task API's field order.
	body = append(bytes.TrimSuffix(bytes.TrimSpace(body), []byte("}")), []byte(`,"Files":`)...)
	body = append(append(body, extra...), "}\n"...)
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		return err
	}
	_, err = out.WriteTo(w)
	return err
}
