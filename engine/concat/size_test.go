package concat

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/parser"
)

// The output size follows the align clip or s, rounds to even sides and never
// exceeds the 4096 bound of s, whatever a clip's header declares.
func TestOutputSizeBounded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		opts       parser.VideoOptions
		refW, refH float64
		w, h       int
	}{
		{"align clip", parser.VideoOptions{}, 1920, 1080, 1920, 1080},
		{"odd align clip", parser.VideoOptions{}, 321, 241, 320, 240},
		{"declared 16000x16000", parser.VideoOptions{}, 16000, 16000, 4096, 4096},
		{"wide 8K", parser.VideoOptions{}, 7680, 4320, 4096, 2304},
		{"tall 8K", parser.VideoOptions{}, 4320, 7680, 2304, 4096},
		{"height only keeps aspect", parser.VideoOptions{Height: 4096}, 4000, 1000, 4096, 1024},
		{"s given", parser.VideoOptions{Width: 640, Height: 360}, 1920, 1080, 640, 360},
		{"sopt 1 takes a huge lower-area source bounded", parser.VideoOptions{Width: 4096, Height: 4096, SizeOpt: parser.OptSourceLower}, 8000, 1000, 4096, 512},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, h, err := outputSize(&tc.opts, tc.refW, tc.refH)
			require.NoError(t, err)
			require.Equal(t, [2]int{tc.w, tc.h}, [2]int{w, h})
		})
	}
}
