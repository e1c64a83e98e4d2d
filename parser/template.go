package parser

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// Template is a saveas object or bucket name with {variables}. The zero
// Template is empty. It keeps only the validated text, so two templates
// from equal text are equal (== and reflect.DeepEqual) and String()
// reproduces it exactly.
type Template struct {
	raw string
}

// Vars are the facts a template is expanded with.
type Vars struct {
	Bucket      string    // source bucket
	Key         string    // source object key
	Time        time.Time // task creation time (UTC) for {year}…{sec} and t_*
	Index       int       // {index}: 1-based output number
	StreamIndex int       // {streamindex}: 0-based
	Resolution  string    // {resolution}: e.g. "1280x720"
	AutoExt     string    // {autoext}: the output's natural extension, without dot
}

// templateVars are the variables OSS expands in sys/saveas names: the
// source's names, the current time, the task's creation time (t_…) and the
// media ones ({index} is the 1-based output number, {streamindex} 0-based,
// {autoext} the output's natural extension).
var templateVars = []string{
	"bucket", "key", "dirname", "barename", "basename", "ext",
	"year", "mon", "day", "hour", "min", "sec",
	"t_year", "t_mon", "t_day", "t_hour", "t_min", "t_sec",
	"index", "streamindex", "resolution", "autoext",
}

// ParseTemplate validates s: every {name} must be a known variable, "{{" and
// "}}" stand for literal braces, and any other brace is an error.
func ParseTemplate(s string) (Template, error) {
	err := walkTemplate(s, func(string) {}, func(string) {})
	if err != nil {
		return Template{}, err
	}
	return Template{raw: s}, nil
}

// walkTemplate calls lit for each literal run and variable for each {name}.
func walkTemplate(s string, lit, variable func(string)) error {
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			lit(b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{', c == '}' && i+1 < len(s) && s[i+1] == '}':
			b.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return invalid("template %s: unclosed '{' (write '{{' for a literal brace)", quote(s))
			}
			name := s[i+1 : i+end]
			if !contains(templateVars, name) {
				return invalid("template %s: unknown variable {%s}", quote(s), name)
			}
			flush()
			variable(name)
			i += end
		case c == '}':
			return invalid("template %s: unmatched '}' (write '}}' for a literal brace)", quote(s))
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return nil
}

// String returns the template text as written (after base64 decoding).
func (t Template) String() string { return t.raw }

// IsZero reports whether the template is empty.
func (t Template) IsZero() bool { return t.raw == "" }

// Uses reports whether the template contains the variable {name}, e.g.
// Uses("index") tells the sprite engine whether sheets get distinct names.
func (t Template) Uses(name string) bool {
	found := false
	_ = walkTemplate(t.raw, func(string) {}, func(n string) { found = found || n == name })
	return found
}

// literal returns the template's text when it has no variables.
func (t Template) literal() (string, bool) {
	var b strings.Builder
	vars := false
	_ = walkTemplate(t.raw, func(s string) { b.WriteString(s) }, func(string) { vars = true })
	return b.String(), !vars
}

// Expand substitutes v into the template. {dirname} is the source key's
// directory without a trailing '/' ("" for a key at the bucket root); when
// it is empty and followed by '/', that '/' is dropped so "{dirname}/x"
// never yields a key starting with '/'.
func (t Template) Expand(v Vars) string {
	var b strings.Builder
	skipSlash := false
	_ = walkTemplate(t.raw, func(s string) {
		if skipSlash {
			s = strings.TrimPrefix(s, "/")
		}
		skipSlash = false
		b.WriteString(s)
	}, func(name string) {
		val := v.value(name)
		skipSlash = name == "dirname" && val == ""
		b.WriteString(val)
	})
	return b.String()
}

// value is the expansion of one variable.
func (v Vars) value(name string) string {
	dir, file := path.Split(v.Key)
	ext := path.Ext(file)
	tm := v.Time.UTC()
	two := func(n int) string { return fmt.Sprintf("%02d", n) }
	switch strings.TrimPrefix(name, "t_") {
	case "bucket":
		return v.Bucket
	case "key":
		return v.Key
	case "dirname":
		return strings.TrimSuffix(dir, "/")
	case "basename":
		return file
	case "barename":
		return strings.TrimSuffix(file, ext)
	case "ext":
		return strings.TrimPrefix(ext, ".")
	case "year":
		return fmt.Sprintf("%04d", tm.Year())
	case "mon":
		return two(int(tm.Month()))
	case "day":
		return two(tm.Day())
	case "hour":
		return two(tm.Hour())
	case "min":
		return two(tm.Minute())
	case "sec":
		return two(tm.Second())
	case "index":
		return strconv.Itoa(v.Index)
	case "streamindex":
		return strconv.Itoa(v.StreamIndex)
	case "resolution":
		return v.Resolution
	case "autoext":
		return v.AutoExt
	}
	return ""
}
