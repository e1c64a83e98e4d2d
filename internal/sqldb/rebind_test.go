package sqldb

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT * FROM t WHERE a = ? AND b = ?`, `SELECT * FROM t WHERE a = $1 AND b = $2`},
		{`INSERT INTO t VALUES (?, ?, 'queued', ?)`, `INSERT INTO t VALUES ($1, $2, 'queued', $3)`},
		{`SELECT '?' , ?`, `SELECT '?' , $1`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`SELECT "odd?name" FROM t WHERE x = ?`, `SELECT "odd?name" FROM t WHERE x = $1`},
		{"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{`SELECT /* ? */ ?`, `SELECT /* ? */ $1`},
		{`DO $$ SELECT '?' $$; SELECT ?`, `DO $$ SELECT '?' $$; SELECT $1`},
		{`CREATE FUNCTION f() AS $body$ ? $body$`, `CREATE FUNCTION f() AS $body$ ? $body$`},
		{`SELECT 'unterminated ?`, `SELECT 'unterminated ?`},
		{`SELECT /* unterminated ?`, `SELECT /* unterminated ?`},
		{`(? = '' OR lease_owner = ?)`, `($1 = '' OR lease_owner = $2)`},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, Rebind(tc.in), tc.in)
	}
}

// FuzzRebind: the rewrite only ever replaces a ? by $n, numbered from 1 in
// order, and leaves every other byte as it was.
func FuzzRebind(f *testing.F) {
	for _, s := range []string{`SELECT ?`, `'?' ? "?" -- ?` + "\n?", `$$?$$ $a$ ? $a$ ?`, `/* ? */ ?`, `$1 ? $`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Rebind(in)
		n := 0
		i, j := 0, 0
		for i < len(in) {
			if j < len(out) && in[i] == out[j] {
				i++
				j++
				continue
			}
			require.Equal(t, byte('?'), in[i], "only ? changes: %q → %q", in, out)
			n++
			num := "$" + itoa(n)
			require.True(t, strings.HasPrefix(out[j:], num), "%q → %q: placeholder %d", in, out, n)
			i++
			j += len(num)
		}
		require.Equal(t, len(out), j, "%q → %q", in, out)
	})
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
