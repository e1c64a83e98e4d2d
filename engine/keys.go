package engine

import (
	"path"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/parser"
)

// indexSentinel stands for {index} while deriving a companion's name.
const indexSentinel = 987654321

// CompanionKey names a file that accompanies a run's numbered outputs (a
// segment playlist, a sprite's WebVTT track) after their saveas template:
// the template with {index} left out and the extension replaced by ext
// ("out/seg-{index}.ts" → "out/seg.m3u8", "thumbs/{barename}-{index}.jpg"
// → "thumbs/movie.vtt"); fallback is the name when nothing is left
// ("out/{index}.ts" → "out/playlist.m3u8").
func CompanionKey(tmpl parser.Template, v parser.Vars, ext, fallback string) string {
	v.Index = indexSentinel
	key := strings.ReplaceAll(tmpl.Expand(v), strconv.Itoa(indexSentinel), "")
	dir, file := path.Split(key)
	file = strings.TrimSuffix(file, path.Ext(file))
	file = strings.TrimRight(file, "-_.")
	if file == "" {
		file = fallback
	}
	return dir + file + "." + ext
}

// RelativeKey is key as a URI path relative to the directory of from, so
// a playlist or track refers to its companions wherever they are served.
func RelativeKey(from, key string) string {
	dir := path.Dir(from)
	if dir == "." {
		return key
	}
	if strings.HasPrefix(key, dir+"/") {
		return strings.TrimPrefix(key, dir+"/")
	}
	return strings.Repeat("../", strings.Count(dir, "/")+1) + key
}
