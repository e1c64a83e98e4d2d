package concat

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/parser"
)

// /segment cuts the 5 s output into 2 s pieces named through {index};
// each piece plays on its own; TS also gets an HLS playlist.
func TestConcatSegment(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	for _, f := range []string{"ts", "mp4"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			res, err := ctRun(t, store, "pre.mov", "video/concat,f_"+f+",vcodec_h264,acodec_aac/sur,o_"+enginetest.B64("example.mkv")+",t_2000/segment,f_"+f+",t_2000"+
				enginetest.SaveAs("hls/{barename}-{index}.{autoext}"))
			require.NoError(t, err)
			want := []float64{2, 2, 1}
			n := len(want)
			if f == "ts" {
				n++
			}
			require.Len(t, res.Outputs, n)
			for i, d := range want {
				o := res.Outputs[i]
				require.Equal(t, "hls/pre-"+string(rune('1'+i))+"."+f, o.Key)
				p := enginetest.ProbeFile(t, o.Path)
				v, a := p.Stream("video"), p.Stream("audio")
				require.InDelta(t, d, p.Duration(v), 0.05, o.Key)
				require.InDelta(t, d, p.Duration(a), 0.1, o.Key)
				require.True(t, strings.HasPrefix(p.Packets[0].Flags, "K") || p.Packets[0].StreamIndex != v, "starts on a keyframe")
				dec := ctDecode(t, o.Path)
				require.InDelta(t, d*30, dec.Video, 1, o.Key)
				if f == "mp4" {
					requireMoovFirst(t, o.Path)
					require.Equal(t, "video/mp4", o.ContentType)
				}
			}
			if f != "ts" {
				return
			}
			pl := res.Outputs[3]
			require.Equal(t, "hls/pre.m3u8", pl.Key)
			require.Equal(t, "application/vnd.apple.mpegurl", pl.ContentType)
			b, err := os.ReadFile(pl.Path)
			require.NoError(t, err)
			text := string(b)
			require.Contains(t, text, "#EXTM3U")
			require.Contains(t, text, "#EXT-X-ENDLIST")
			require.Equal(t, 3, strings.Count(text, "#EXTINF:"))
			require.Contains(t, text, "\npre-1.ts\n")
			require.Contains(t, text, "\npre-3.ts\n")

			// Published under their keys, the playlist plays the whole 5 s.
			root := t.TempDir()
			for _, o := range res.Outputs {
				dst := filepath.Join(root, o.Key)
				require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
				require.NoError(t, os.Symlink(o.Path, dst))
			}
			dec := ctDecode(t, filepath.Join(root, pl.Key))
			require.InDelta(t, 150, dec.Video, 2)
			require.InDelta(t, 5, dec.AudioSeconds, 0.1)
		})
	}
}

func TestSegmentNaming(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ tmpl, seg2, playlist string }{
		{"out/{index}.ts", "out/2.ts", "out/playlist.m3u8"},
		{"out/seg_{index}.ts", "out/seg_2.ts", "out/seg.m3u8"},
		{"a/b/c.ts", "a/b/c_2.ts", "a/b/c.m3u8"},
		{"flat-{index}", "flat-2", "flat.m3u8"},
	} {
		tmpl := ctTemplate(t, tc.tmpl)
		v := ctVars()
		v.Index = 2
		require.Equal(t, tc.seg2, parser.SegmentKey(tmpl, v), tc.tmpl)
		require.Equal(t, tc.playlist, parser.CompanionKey(tmpl, ctVars(), "m3u8", "playlist"), tc.tmpl)
	}
}

// Audio-only and video-only outputs segment too: 3 s in 1 s pieces.
func TestConcatSegmentSingleStream(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	for _, head := range []string{"f_ts,vn_1,acodec_aac/segment,f_ts", "f_mp4,vn_1,acodec_aac/segment,f_mp4", "f_mp4,vcodec_h264,an_1/segment,f_mp4"} {
		res, err := ctRun(t, store, "pre.mov", "video/concat,"+head+",t_1000"+enginetest.SaveAs("s/{index}.{autoext}"))
		require.NoError(t, err, head)
		n := 3
		if strings.HasPrefix(head, "f_ts") {
			n++ // the playlist
		}
		require.Len(t, res.Outputs, n, head)
		for _, o := range res.Outputs[:3] {
			require.InDelta(t, 1.0, enginetest.ProbeFile(t, o.Path).FormatDuration(), 0.05, o.Key)
		}
	}
}
