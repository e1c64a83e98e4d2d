package parser

import (
	"path"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/internal/names"
)

// The output naming rules. The engines name what they write with these, and
// CheckOutputNames applies them at submission, so a name the store would
// refuse is refused before the task runs rather than when it publishes.

// SheetKey names the sprite sheet v.Index (1-based) of format ext:
//   - a template with {index} names every sheet apart;
//   - a name without an extension gets "_0_<n>.<ext>" appended (the OSS
//     sprite documentation's "_0_1.jpg"; the 0 is the stream index);
//   - a name with an extension and no {index} is the same for every sheet,
//     so each overwrites the previous one and only the last survives.
func SheetKey(t Template, v Vars, ext string) string {
	key := t.Expand(v)
	if t.Uses("index") || path.Ext(path.Base(key)) != "" {
		return key
	}
	return key + "_0_" + strconv.Itoa(v.Index) + "." + ext
}

// SegmentKey names segment v.Index (1-based) of a /segment output: the
// template expanded with {index}; a template without {index} gets "_<i>"
// before its extension so segments do not overwrite each other.
func SegmentKey(t Template, v Vars) string {
	key := t.Expand(v)
	if t.Uses("index") {
		return key
	}
	ext := path.Ext(key)
	if strings.Contains(ext, "/") {
		ext = ""
	}
	return strings.TrimSuffix(key, ext) + "_" + strconv.Itoa(v.Index) + ext
}

// indexSentinel stands for {index} while deriving a companion's name.
const indexSentinel = 987654321

// CompanionKey names a file that accompanies a run's numbered outputs (a
// segment playlist, a sprite's WebVTT track) after their saveas template:
// the template with {index} left out and the extension replaced by ext
// ("out/seg-{index}.ts" → "out/seg.m3u8", "thumbs/{barename}-{index}.jpg"
// → "thumbs/movie.vtt"); fallback is the name when nothing is left
// ("out/{index}.ts" → "out/playlist.m3u8").
func CompanionKey(t Template, v Vars, ext, fallback string) string {
	v.Index = indexSentinel
	key := strings.ReplaceAll(t.Expand(v), strconv.Itoa(indexSentinel), "")
	dir, file := path.Split(key)
	file = strings.TrimSuffix(file, path.Ext(file))
	file = strings.TrimRight(file, "-_.")
	if file == "" {
		file = fallback
	}
	return dir + file + "." + ext
}

// The extreme values of the media variables, which are known only once the
// task runs. No task writes 10^10 outputs; sprite sheets are at most 16384
// pixels a side and concat outputs at most 4096 (the bound of `s`); a concat
// without a video stream has an empty {resolution}.
const (
	longestIndex         = 9_999_999_999
	longestSheetSize     = "16384x16384"
	smallestSheetSize    = "1x1"
	longestConcatSize    = "4096x4096"
	concatSizeNoVideoOut = ""
)

// CheckOutputNames refuses, as InvalidArgument naming parameter o, a saveas
// template that can expand to an object name the store refuses
// (names.ObjectKeyProblem: over 1,023 bytes, a ".." segment, NUL, a leading
// '/' …). v carries the request's facts ({bucket}, {key}, the time); the
// media variables are tried at their longest and shortest, through the
// naming rule of every output the action writes (sheets and their WebVTT
// track, the single concat output, segments and their playlist).
func (p *Pipeline) CheckOutputNames(v Vars) error {
	t := p.SaveAs.Object
	for _, name := range p.outputNames(v) {
		if prob := names.ObjectKeyProblem(name); prob != "" {
			return invalid("parameter o: the saveas name %s can expand, for this request, to a name the store refuses: %s", quote(t.String()), prob)
		}
	}
	return nil
}

// outputNames returns the names the action can write, for the extreme values
// of the media variables.
func (p *Pipeline) outputNames(v Vars) []string {
	t := p.SaveAs.Object
	v.StreamIndex = 0 // the engines write one stream's outputs: always 0
	var out []string
	switch {
	case p.Sprite != nil:
		ext := p.Sprite.Format.Ext()
		v.AutoExt = ext
		for _, m := range []struct {
			index int
			size  string
		}{{longestIndex, longestSheetSize}, {1, smallestSheetSize}} {
			v.Index, v.Resolution = m.index, m.size
			out = append(out, SheetKey(t, v, ext))
		}
		// The WebVTT track a sprite may save with its sheets (--sprite-vtt).
		out = append(out, CompanionKey(t, v, "vtt", "sprite"))
	case p.Concat != nil && p.Concat.Segment != nil:
		seg := p.Concat.Segment
		v.AutoExt = seg.Format.Ext()
		for _, m := range []struct {
			index int
			size  string
		}{{longestIndex, longestConcatSize}, {1, concatSizeNoVideoOut}} {
			v.Index, v.Resolution = m.index, m.size
			out = append(out, SegmentKey(t, v))
			if seg.Format == TS {
				out = append(out, CompanionKey(t, v, "m3u8", "playlist"))
			}
		}
	case p.Concat != nil:
		v.AutoExt, v.Index = p.Concat.Format.Ext(), 1
		for _, size := range []string{longestConcatSize, concatSizeNoVideoOut} {
			v.Resolution = size
			out = append(out, t.Expand(v))
		}
	}
	return out
}
