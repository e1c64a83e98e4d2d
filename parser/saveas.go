package parser

import (
	"strings"
	"unicode/utf8"

	"github.com/ossemu/ossemu/internal/names"
)

// parseSaveAs reads sys/saveas and its optional /notify segment.
func parseSaveAs(segs []segment) (SaveAs, *Notify, error) {
	var sa SaveAs
	ps, err := parseParams(stageSaveAs, segs[0].params, "b", "o")
	if err != nil {
		return sa, nil, err
	}
	if err := ps.require("o"); err != nil {
		return sa, nil, err
	}
	raw, _ := ps.str("o")
	obj, err := decodeB64("o", raw)
	if err != nil {
		return sa, nil, err
	}
	if sa.Object, err = ParseTemplate(obj); err != nil {
		return sa, nil, err
	}
	if err := checkObjectTemplate(obj, sa.Object); err != nil {
		return sa, nil, err
	}
	if raw, ok := ps.str("b"); ok {
		if sa.Bucket, err = parseBucket(raw); err != nil {
			return sa, nil, err
		}
	}
	var n *Notify
	for _, s := range segs[1:] {
		if n != nil {
			return sa, nil, invalid("/notify: given more than once")
		}
		if n, err = parseNotify(s.params); err != nil {
			return sa, nil, err
		}
	}
	return sa, n, nil
}

// checkObjectTemplate applies the object-name rules to o: all of them to a
// name without variables; to a template, those that expansion cannot change
// (valid UTF-8, no leading '/' or '\'). Pipeline.CheckOutputNames checks
// the expanded names once the request's facts are known. Control characters
// other than NUL are kept: OSS stores them, and its own examples encode
// names with `echo name | base64`, whose newline is part of the key.
func checkObjectTemplate(text string, t Template) error {
	lit, literal := t.literal()
	switch {
	case literal:
		if err := checkKey("o", lit); err != nil {
			return err
		}
	case !utf8.ValidString(text) || text[0] == '/' || text[0] == '\\':
		return checkKey("o", text)
	}
	return nil
}

// parseBucket decodes b. Trailing whitespace is dropped (the `echo name |
// base64` newline can never be part of a bucket name); a name without
// variables must follow the OSS bucket naming rules now, one with variables
// is checked by the caller after expansion.
func parseBucket(raw string) (Template, error) {
	name, err := decodeB64("b", raw)
	if err != nil {
		return Template{}, err
	}
	name = strings.TrimRight(name, " \t\r\n")
	t, err := ParseTemplate(name)
	if err != nil {
		return Template{}, err
	}
	if lit, ok := t.literal(); ok && !names.ValidBucketName(lit) {
		return Template{}, invalid("parameter b: %s is not a valid bucket name (3–63 lower-case letters, digits and '-', starting and ending with a letter or digit)", quote(lit))
	}
	if t.IsZero() {
		return Template{}, invalid("parameter b: value %s names an empty bucket", quote(raw))
	}
	return t, nil
}

// parseNotify reads notify,topic_<b64>. Trailing whitespace is dropped like
// for b: OSS's own video/sprite example encodes "example-mns-topic\n"
// (made with `echo name | base64`).
func parseNotify(text string) (*Notify, error) {
	ps, err := parseParams(stageNotify, text, "topic")
	if err != nil {
		return nil, err
	}
	if err := ps.require("topic"); err != nil {
		return nil, err
	}
	raw, _ := ps.str("topic")
	topic, err := decodeB64("topic", raw)
	if err != nil {
		return nil, err
	}
	topic = strings.TrimRight(topic, " \t\r\n")
	if !names.ValidMNSName(topic) {
		return nil, invalid("parameter topic: %s is not a valid MNS topic name (1–%d letters, digits and '-', starting with a letter)", quote(topic), names.MaxMNSNameLen)
	}
	return &Notify{Topic: topic}, nil
}
