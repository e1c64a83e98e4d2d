package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// publish makes a successful run's outputs visible as one set (journal.go)
// and returns the targets: each key once, in order of first appearance (a
// later output with the same key replaced the earlier one). journaled
// reports whether the run's journal is left behind: after success (the run
// ends it once the task is final) and when the run lost its lease part-way
// (the reaper then rolls the publication forward from the journal). On a
// failure, what was published is taken back; storage failures are
// transient, so the task runs again.
func (p *Pool) publish(ctx context.Context, t *Task, token, dir string, res *Result) (targets []Ref, journaled bool, err error) {
	j, err := p.stage(t, dir, res)
	if err != nil {
		return nil, false, err
	}
	if err := p.q.beginPublish(ctx, t.ID, token, j); err != nil {
		if errors.Is(err, errLeaseLost) {
			return nil, false, err
		}
		return nil, false, osserr.Transient(err)
	}
	p.log.Info("queue: publishing", "task", t.ID, "outputs", len(j.Outputs))
	put, err := p.put(ctx, dir, j)
	if err == nil {
		return j.targets(), true, nil
	}
	if ctx.Err() != nil {
		return nil, true, err // the lease is lost: the journal is the reaper's now
	}
	p.unpublish(ctx, t, put)
	if eerr := p.q.endPublish(ctx, t.ID); eerr != nil {
		p.log.Warn("queue: ending a failed publication", "task", t.ID, "err", eerr)
	}
	return nil, false, err
}

// stage checks a run's outputs (files inside the work directory), keeps
// one per key, and syncs them to disk: once the journal names them, a crash,
// even a power cut, must find them whole.
func (p *Pool) stage(t *Task, dir string, res *Result) (*journal, error) {
	if res == nil || len(res.Outputs) == 0 {
		return nil, osserr.New(osserr.InternalError, "the processor produced no output")
	}
	j := &journal{Dir: filepath.Base(dir)}
	index := map[Ref]int{}
	for _, o := range res.Outputs {
		ref := Ref{Bucket: o.Bucket, Key: o.Key}
		if ref.Bucket == "" {
			ref.Bucket = t.Bucket
		}
		rel, err := filepath.Rel(dir, o.Path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, osserr.New(osserr.InternalError, "output %q is outside the task's work directory", o.Path)
		}
		fi, err := os.Stat(o.Path)
		if err != nil {
			return nil, osserr.Wrap(osserr.InternalError, err, "opening output %s: %v", ref.Key, err)
		}
		jo := journalOutput{Bucket: ref.Bucket, Key: ref.Key, File: rel, ContentType: contentType(o, ref.Key), Size: fi.Size()}
		if i, ok := index[ref]; ok {
			j.Outputs[i] = jo
			continue
		}
		index[ref] = len(j.Outputs)
		j.Outputs = append(j.Outputs, jo)
	}
	if err := syncFiles(dir, j); err != nil {
		return nil, osserr.Transient(fmt.Errorf("queue: syncing the outputs: %w", err))
	}
	return j, nil
}

func contentType(o Output, key string) string {
	ct := o.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(filepath.Ext(key))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	return ct
}

// syncFiles fsyncs every file of j and the directories holding them.
func syncFiles(dir string, j *journal) error {
	dirs := map[string]bool{}
	for _, o := range j.Outputs {
		p := filepath.Join(dir, o.File)
		if err := syncPath(p); err != nil {
			return err
		}
		dirs[filepath.Dir(p)] = true
	}
	for d := range dirs {
		if err := syncPath(d); err != nil {
			return err
		}
	}
	return nil
}

func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// put makes the journal's outputs visible: all in one batch when the
// storage is a storage.Batcher, else one PutObject each, in order. It
// returns the targets it made visible (for a batch, all or none).
func (p *Pool) put(ctx context.Context, dir string, j *journal) ([]Ref, error) {
	if b, ok := p.cfg.Storage.(storage.Batcher); ok {
		puts := make([]storage.BatchPut, len(j.Outputs))
		for i, o := range j.Outputs {
			path := filepath.Join(dir, o.File)
			puts[i] = storage.BatchPut{Bucket: o.Bucket, Key: o.Key,
				Open: func() (io.ReadCloser, error) { return os.Open(path) },
				Opts: storage.PutOptions{ContentType: o.ContentType, Size: o.Size}}
		}
		if _, err := b.PutObjects(ctx, puts); err != nil {
			return nil, publishError(err, fmt.Sprintf("%d outputs", len(puts)))
		}
		return j.targets(), nil
	}
	var done []Ref
	for _, o := range j.Outputs {
		if err := putFile(ctx, p.cfg.Storage, filepath.Join(dir, o.File), o); err != nil {
			return done, err
		}
		done = append(done, Ref{Bucket: o.Bucket, Key: o.Key})
	}
	return done, nil
}

func putFile(ctx context.Context, st storage.Backend, path string, o journalOutput) error {
	f, err := os.Open(path)
	if err != nil {
		return osserr.Transient(fmt.Errorf("queue: opening output %s: %w", o.Key, err))
	}
	defer f.Close()
	_, err = st.PutObject(ctx, o.Bucket, o.Key, f, storage.PutOptions{ContentType: o.ContentType, Size: o.Size})
	if err != nil {
		return publishError(err, Ref{Bucket: o.Bucket, Key: o.Key}.URI())
	}
	return nil
}

// publishError classifies a storage failure while publishing: a target that
// vanished or is unusable is permanent (retrying will not help), anything
// else transient.
func publishError(err error, what string) error {
	if osserr.Is(err, osserr.NoSuchBucket) || osserr.Is(err, osserr.InvalidObjectName) ||
		osserr.Is(err, osserr.InvalidBucketName) {
		return err
	}
	return osserr.Transient(fmt.Errorf("queue: publishing %s: %w", what, err))
}

// unpublish deletes targets a publication made visible before it failed,
// so a task that does not succeed leaves nothing behind. Best effort: a
// deletion that fails is logged.
func (p *Pool) unpublish(ctx context.Context, t *Task, refs []Ref) {
	for _, r := range refs {
		if err := p.cfg.Storage.DeleteObject(ctx, r.Bucket, r.Key); err != nil && !osserr.Is(err, osserr.NoSuchKey) {
			p.log.Error("queue: taking back a published output", "task", t.ID, "target", r.URI(), "err", err)
		}
	}
}
