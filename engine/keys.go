package engine

import (
	"path"
	"strings"
)

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
