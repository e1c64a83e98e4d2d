package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
)

// testListRandom compares paging through random keys (multi-byte runes,
// delimiters at every depth) with the model, for random prefixes,
// delimiters and page sizes.
func testListRandom(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "random"))
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "/", "é", "中", "-", "z"}
	word := func(n int) string {
		s := ""
		for range n {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		return s
	}
	set := map[string]bool{}
	for len(set) < 300 {
		k := word(1 + rng.IntN(6))
		if k[0] == '/' {
			continue
		}
		set[k] = true
	}
	var keys []string
	for k := range set {
		keys = append(keys, k)
		put(t, b, "random", k, "")
	}
	sort.Strings(keys)
	for i := range 60 {
		o := storage.ListOptions{Prefix: word(rng.IntN(3)), MaxKeys: 1 + rng.IntN(7)}
		if rng.IntN(3) > 0 {
			o.Delimiter = []string{"/", "中", "a/"}[rng.IntN(3)]
		}
		if rng.IntN(4) == 0 {
			o.Marker = word(1 + rng.IntN(3))
		}
		t.Run(fmt.Sprintf("%d:%+v", i, o), func(t *testing.T) {
			want, _ := ModelList(keys, o)
			_, got := ListAll(t, b, "random", o)
			require.Equal(t, want, got)
		})
	}
}
