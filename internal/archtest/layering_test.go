// Package archtest checks the import rules docs/architecture.md states, so a
// layering violation fails the build's tests instead of creeping back in.
package archtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/ossemu/ossemu/"

// pkg is the part of `go list -json` the rules read.
type pkg struct {
	ImportPath string
	Deps       []string
}

// listPackages runs `go list -deps -json ./...` from the module root and
// returns each of the module's packages with its transitive dependencies.
func listPackages(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Deps", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	require.NoError(t, err)
	pkgs := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		err := dec.Decode(&p)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if name, ok := strings.CutPrefix(p.ImportPath, module); ok {
			var deps []string
			for _, d := range p.Deps {
				if dn, ok := strings.CutPrefix(d, module); ok {
					deps = append(deps, dn)
				}
			}
			pkgs[name] = deps
		}
	}
	require.NotEmpty(t, pkgs)
	return pkgs
}

// under reports whether name is root or a package below it.
func under(name, root string) bool {
	return name == root || strings.HasPrefix(name, root+"/")
}

func TestLayering(t *testing.T) {
	t.Parallel()
	pkgs := listPackages(t)
	rules := []struct {
		name    string
		applies func(pkg string) bool
		allowed func(dep string) bool
	}{
		{
			name:    "storage imports only the error package and internal leaf helpers",
			applies: func(p string) bool { return under(p, "storage") },
			allowed: func(d string) bool { return under(d, "storage") || d == "osserr" || under(d, "internal") },
		},
		{
			name:    "parser imports no storage, queue, engine or server",
			applies: func(p string) bool { return under(p, "parser") },
			allowed: func(d string) bool {
				return !under(d, "storage") && !under(d, "queue") && !under(d, "engine") && !under(d, "server")
			},
		},
		{
			name:    "queue imports no parser and no engine",
			applies: func(p string) bool { return under(p, "queue") },
			allowed: func(d string) bool { return !under(d, "parser") && !under(d, "engine") },
		},
		{
			name:    "engine/concat does not import engine/sprite",
			applies: func(p string) bool { return under(p, "engine/concat") },
			allowed: func(d string) bool { return !under(d, "engine/sprite") },
		},
		{
			name:    "engine/sprite does not import engine/concat",
			applies: func(p string) bool { return under(p, "engine/sprite") },
			allowed: func(d string) bool { return !under(d, "engine/concat") },
		},
		{
			name:    "nothing outside cmd/ imports server",
			applies: func(p string) bool { return !under(p, "cmd") && !under(p, "server") },
			allowed: func(d string) bool { return !under(d, "server") },
		},
	}
	for _, r := range rules {
		matched := 0
		for name, deps := range pkgs {
			if !r.applies(name) {
				continue
			}
			matched++
			for _, d := range deps {
				require.Truef(t, r.allowed(d), "%s: %s imports %s", r.name, name, d)
			}
		}
		require.NotZerof(t, matched, "%s: no package matched (renamed?)", r.name)
	}
}
