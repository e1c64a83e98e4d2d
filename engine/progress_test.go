package engine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProgress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		total float64
		at    []float64
		want  []int
	}{
		{"whole percentages, each once", 10, []float64{0, 0.01, 0.5, 0.55, 1, 5}, []int{0, 5, 10, 50}},
		{"99 until done", 2, []float64{1.99, 2, 3}, []int{99}},
		{"never below 0", 4, []float64{-1, 1}, []int{0, 25}},
		{"unknown length reports only done", 0, []float64{1, 2}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var seen []int
			p := NewProgress(func(pct int) { seen = append(seen, pct) })
			for _, d := range tc.at {
				p.At(d, tc.total)
			}
			require.Equal(t, tc.want, seen)
			p.Done()
			require.Equal(t, 100, seen[len(seen)-1])
		})
	}
	t.Run("nil callback", func(t *testing.T) {
		t.Parallel()
		p := NewProgress(nil)
		p.At(1, 2)
		p.Done()
	})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, DefaultConfig().Validate())
	require.NoError(t, Config{VideoPreset: "placebo"}.Validate())
	require.ErrorContains(t, Config{VideoPreset: "warp"}.Validate(), `unknown video preset "warp"`)
	require.ErrorContains(t, Config{VideoPreset: "fast", MaxInputPixels: -1}.Validate(), "pixel budget -1")
	require.Equal(t, DefaultConfig(), Config{}.WithDefaults())
	require.Equal(t, int64(640*480), Config{MaxInputPixels: 640 * 480}.WithDefaults().MaxInputPixels)
}
