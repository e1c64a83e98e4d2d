package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// placement puts a local run's outputs under -o, as the queue publishes a
// task's: only once the run has succeeded, in order (a later output with
// the same name replaces an earlier one), each file whole. The engine
// writes into a hidden work directory inside the output directory, so
// placing an output is a rename on the same file system, never a copy, and
// an interrupted or failed run leaves nothing but what was there before.
type placement struct {
	dir     string // outputs go to dir/<key>
	file    string // or, for a one-file result, exactly here ("" in directory mode)
	created bool   // dir did not exist: removed again when the run leaves it empty
}

// newPlacement reads -o: a directory when the result is several files
// (sprites, segments), when it names an existing directory or ends with a
// separator; else the one output file. Missing directories are created.
func newPlacement(out string, multi bool) (*placement, error) {
	p := &placement{dir: out}
	st, err := os.Stat(out)
	isDir := err == nil && st.IsDir()
	if !multi && !isDir && !strings.HasSuffix(out, string(filepath.Separator)) {
		if err == nil && !st.Mode().IsRegular() {
			return nil, fmt.Errorf("-o %s is neither a directory nor a regular file", out)
		}
		p.file, p.dir = out, filepath.Dir(out)
		st, err = os.Stat(p.dir)
		isDir = err == nil && st.IsDir()
	}
	if err == nil && !isDir {
		return nil, fmt.Errorf("-o: %s is not a directory", p.dir)
	}
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(p.dir, 0o755); err != nil {
			return nil, fmt.Errorf("-o: %w", err)
		}
		p.created = true
	} else if err != nil {
		return nil, fmt.Errorf("-o: %w", err)
	}
	return p, nil
}

// workDir makes the run's scratch directory; cleanup removes it (and the
// output directory if this run created it and left it empty).
func (p *placement) workDir() (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp(p.dir, ".emulator-process-")
	if err != nil {
		return "", nil, fmt.Errorf("-o: creating a work directory: %w", err)
	}
	return dir, func() {
		os.RemoveAll(dir)
		if p.created {
			os.Remove(p.dir) // fails, as it should, unless empty
		}
	}, nil
}

// placed is one output file where it now is, and the object it stands for.
type placed struct {
	Ref  queue.Ref
	Path string
}

// publish moves the outputs to their places and returns each name once, in
// order of first appearance (the task's Targets). Names are checked as
// storage checks object names, and no output may land on an input file;
// all are checked before anything moves.
func (p *placement) publish(outs []engine.Output, inputs []string) ([]placed, error) {
	if len(outs) == 0 {
		return nil, osserr.New(osserr.InternalError, "the processor produced no output")
	}
	if p.file != "" && len(outs) > 1 {
		return nil, osserr.New(osserr.InternalError, "-o %s names one file but the run wrote %d", p.file, len(outs))
	}
	dests := make([]string, len(outs))
	for i, o := range outs {
		if err := storage.ValidateObjectKey(o.Key); err != nil {
			return nil, err
		}
		dests[i] = p.file
		if p.file == "" {
			dests[i] = filepath.Join(p.dir, filepath.FromSlash(o.Key))
		}
		if err := notAnInput(dests[i], inputs); err != nil {
			return nil, err
		}
	}
	var res []placed
	seen := map[string]bool{}
	for i, o := range outs {
		if err := moveFile(o.Path, dests[i]); err != nil {
			return nil, osserr.New(osserr.InternalError, "writing %s: %v", dests[i], err)
		}
		if !seen[dests[i]] {
			seen[dests[i]] = true
			res = append(res, placed{Ref: queue.Ref{Bucket: o.Bucket, Key: o.Key}, Path: dests[i]})
		}
	}
	return res, nil
}

// notAnInput refuses a destination that is one of the input files: the
// run reads them in place, and writing over one would destroy the source.
func notAnInput(dest string, inputs []string) error {
	dst, err := os.Stat(dest)
	if err != nil {
		return nil // nothing there yet
	}
	for _, in := range inputs {
		if src, err := os.Stat(in); err == nil && os.SameFile(src, dst) {
			return osserr.New(osserr.InvalidArgument, "the output %s would overwrite the input -i %s; choose another -o or sys/saveas name", dest, in)
		}
	}
	return nil
}

// moveFile renames src to dst, creating dst's directory; across file
// systems (an -o directory holding a mount point) it copies.
func moveFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	err := os.Rename(src, dst)
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".emulator-process-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
