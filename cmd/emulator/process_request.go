package main

import (
	"context"
	"encoding/base64"
	"path/filepath"
	"strings"
	"time"

	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage/files"
)

// processBucket is the bucket a local run's objects are in: what {bucket}
// expands to and the bucket of the result's oss:// URIs.
const processBucket = "local"

// localRequest is the request `emulator process` runs: the style as the
// server would parse it, and the -i files as the objects of one read-only
// bucket (storage/files), read in place.
type localRequest struct {
	process  string // the style as run: a default sys/saveas added when it had none
	pipeline *parser.Pipeline
	object   string            // the request's own key: the first file's base name
	objects  map[string]string // key → file
	sources  []queue.Ref       // every input in processing order, as the task API lists them
	created  time.Time
}

// newLocalRequest parses the style and matches the -i files to the objects
// it names. Everything it refuses, the server refuses at submission.
func newLocalRequest(style string, inputs []string, now time.Time) (*localRequest, error) {
	process := withDefaultSaveAs(style)
	pl, err := parser.Parse(process)
	if err != nil {
		if _, ok := osserr.As(err); !ok {
			err = osserr.Wrap(osserr.InvalidArgument, err, "%v", err)
		}
		return nil, err
	}
	r := &localRequest{
		process: process, pipeline: pl, created: now.UTC(),
		object: filepath.Base(inputs[0]), objects: map[string]string{},
	}
	r.objects[r.object] = inputs[0]
	if err := r.matchInputs(inputs[1:]); err != nil {
		return nil, err
	}
	r.sources = r.sourceRefs()
	if err := r.checkInputs(); err != nil {
		return nil, err
	}
	if err := r.checkTarget(); err != nil {
		return nil, err
	}
	return r, nil
}

// checkInputs refuses a missing input file with NoSuchKey, as the server
// refuses a missing source object at submission.
func (r *localRequest) checkInputs() error {
	st := r.store()
	for _, ref := range r.sources {
		if _, err := st.StatObject(context.Background(), ref.Bucket, ref.Key); err != nil {
			return err
		}
	}
	return nil
}

// withDefaultSaveAs adds a sys/saveas stage to a style that has none, so
// a local run needs no names: concat writes {barename}-concat.{autoext}
// (never the input's own name), sprites and segments
// {barename}-{index}.{autoext}.
func withDefaultSaveAs(style string) string {
	for _, stage := range strings.Split(style, "|") {
		if stage == "sys/saveas" || strings.HasPrefix(stage, "sys/saveas,") || strings.HasPrefix(stage, "sys/saveas/") {
			return style
		}
	}
	name := "{barename}-{index}.{autoext}"
	if strings.HasPrefix(style, parser.ActionConcat) && !strings.Contains(style, "/segment,") {
		name = "{barename}-concat.{autoext}"
	}
	return style + "|sys/saveas,o_" + base64.RawURLEncoding.EncodeToString([]byte(name))
}

// named lists the objects /pre and /sur name, in order, each once.
func (r *localRequest) named() []string {
	var keys []string
	if r.pipeline.Concat == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, c := range r.pipeline.Concat.Clips {
		if !c.Self && !seen[c.Key] {
			seen[c.Key] = true
			keys = append(keys, c.Key)
		}
	}
	return keys
}

// matchInputs gives each named object a file: one whose path ends with the
// name, else the request's own file when the name is its key, else the
// next file not yet used, in order. Every file must be used.
func (r *localRequest) matchInputs(rest []string) error {
	used := make([]bool, len(rest))
	var unmatched []string
	for _, key := range r.named() {
		i := matchFile(rest, used, key)
		switch {
		case i >= 0:
			if key == r.object && filepath.Clean(rest[i]) != filepath.Clean(r.objects[key]) {
				return osserr.New(osserr.InvalidArgument,
					"the request's object %s (-i %s) and the object %s the style names (-i %s) are different files with the same name; rename one",
					r.object, r.objects[key], key, rest[i])
			}
			used[i] = true
			r.objects[key] = rest[i]
		case key == r.object:
		default:
			unmatched = append(unmatched, key)
		}
	}
	for _, key := range unmatched {
		i := nextUnused(used)
		if i < 0 {
			return osserr.New(osserr.NoSuchKey,
				"the style names the object %s but no -i file is left for it: give one -i per object /pre and /sur name, after the request's own", key).With("Key", key)
		}
		used[i] = true
		r.objects[key] = rest[i]
	}
	if i := nextUnused(used); i >= 0 {
		return osserr.New(osserr.InvalidArgument, "-i %s is not used: the style names %d other object(s) %q", rest[i], len(r.named()), r.named())
	}
	return nil
}

// matchFile is the first unused file whose cleaned path is name or ends
// with "/" + name; -1 when none is.
func matchFile(files []string, used []bool, name string) int {
	for i, f := range files {
		p := filepath.ToSlash(filepath.Clean(f))
		if !used[i] && (p == name || strings.HasSuffix(p, "/"+name)) {
			return i
		}
	}
	return -1
}

func nextUnused(used []bool) int {
	for i, u := range used {
		if !u {
			return i
		}
	}
	return -1
}

// sourceRefs lists the inputs in processing order, as the server does.
func (r *localRequest) sourceRefs() []queue.Ref {
	if r.pipeline.Concat == nil {
		return []queue.Ref{{Bucket: processBucket, Key: r.object}}
	}
	var refs []queue.Ref
	for _, c := range r.pipeline.Concat.Clips {
		key := c.Key
		if c.Self {
			key = r.object
		}
		refs = append(refs, queue.Ref{Bucket: processBucket, Key: key})
	}
	return refs
}

// checkTarget refuses a saveas bucket that is not a valid bucket name, as
// the server does at submission (locally, outputs go under -o whatever
// bucket they name).
func (r *localRequest) checkTarget() error {
	b := r.pipeline.SaveAs.Bucket
	if b.IsZero() {
		return nil
	}
	target := b.Expand(parser.Vars{Bucket: processBucket, Key: r.object, Time: r.created})
	if !names.ValidBucketName(target) {
		return osserr.New(osserr.InvalidArgument, "sys/saveas: the target bucket %q is not a valid bucket name", target)
	}
	return nil
}

// store is the read-only bucket of the request's files.
func (r *localRequest) store() *files.Backend { return files.New(processBucket, r.objects) }
