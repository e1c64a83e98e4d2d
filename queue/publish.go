package queue

import (
	"context"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// publish uploads the outputs in order, each with one atomic PutObject, and
// returns the targets (each key once, in order of first appearance: a later
// output with the same key replaced the earlier one). Storage failures are
// transient: the task re-runs and overwrites whatever was published, so a
// crash or error part-way never leaves duplicates, only the same keys again.
func (p *Pool) publish(ctx context.Context, t *Task, dir string, res *Result) ([]Ref, error) {
	if res == nil || len(res.Outputs) == 0 {
		return nil, osserr.New(osserr.InternalError, "the processor produced no output")
	}
	var targets []Ref
	seen := map[Ref]bool{}
	for _, o := range res.Outputs {
		ref := Ref{Bucket: o.Bucket, Key: o.Key}
		if ref.Bucket == "" {
			ref.Bucket = t.Bucket
		}
		if err := putFile(ctx, p.cfg.Storage, dir, ref, o); err != nil {
			return nil, err
		}
		if !seen[ref] {
			seen[ref] = true
			targets = append(targets, ref)
		}
	}
	return targets, nil
}

func putFile(ctx context.Context, st storage.Backend, dir string, ref Ref, o Output) error {
	rel, err := filepath.Rel(dir, o.Path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return osserr.New(osserr.InternalError, "output %q is outside the task's work directory", o.Path)
	}
	f, err := os.Open(o.Path)
	if err != nil {
		return osserr.Wrap(osserr.InternalError, err, "opening output %s: %v", ref.Key, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return osserr.Transient(fmt.Errorf("queue: stat output: %w", err))
	}
	ct := o.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(filepath.Ext(ref.Key))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	_, err = st.PutObject(ctx, ref.Bucket, ref.Key, f, storage.PutOptions{ContentType: ct, Size: fi.Size()})
	if err == nil {
		return nil
	}
	if osserr.Is(err, osserr.NoSuchBucket) || osserr.Is(err, osserr.InvalidObjectName) ||
		osserr.Is(err, osserr.InvalidBucketName) {
		// The target vanished or is unusable: retrying will not help.
		return err
	}
	return osserr.Transient(fmt.Errorf("queue: publishing %s: %w", ref.URI(), err))
}
