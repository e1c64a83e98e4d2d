package parser

import "time"

// Template is a saveas object or bucket name with {variables}. The zero
// Template is empty. (Contract stub: the parser owner implements parsing and
// expansion; the API below is what the engines and the queue call.)
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

// String returns the template text as written (after base64 decoding).
func (t Template) String() string { return t.raw }

// IsZero reports whether the template is empty.
func (t Template) IsZero() bool { return t.raw == "" }
