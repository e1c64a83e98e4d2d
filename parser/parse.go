package parser

import "strings"

// Stage and segment names of the grammar: '|' separates stages, '/' the
// segments of a stage and ',' parameters, each parameter being key_value
// (split at the first '_'):
//
//	<action>,<k>_<v>,…[/<segment>,<k>_<v>,…]…|sys/saveas,b_…,o_…[/notify,topic_…]
const (
	stageSaveAs = "sys/saveas"
	stageNotify = "notify"
	segPre      = "pre"
	segSur      = "sur"
	segSegment  = "segment"
)

// segment is one "/name,params" piece of a stage; the head segment of a
// stage carries the stage's own name.
type segment struct {
	name   string
	params string
}

// Parse turns the text after `x-oss-async-process=` into a validated
// Pipeline. The request's own object becomes the Clip with Self set and an
// empty Key (the caller knows the key). Errors are *osserr.Error with code
// InvalidArgument, or MissingArgument for a missing required parameter.
func Parse(process string) (*Pipeline, error) {
	if process == "" {
		return nil, missing("x-oss-async-process", "process")
	}
	stages := strings.Split(process, "|")
	p := &Pipeline{}
	var haveSaveAs bool
	for i, text := range stages {
		name, segs, err := splitStage(text)
		if err != nil {
			return nil, err
		}
		switch {
		case i == 0 && name == ActionConcat:
			p.Concat, err = parseConcat(segs)
		case i == 0 && name == ActionSprite:
			p.Sprite, err = parseSprite(segs)
		case i == 0:
			err = invalid("first stage must be %s or %s, got %s", ActionConcat, ActionSprite, quote(name))
		case name == stageSaveAs && !haveSaveAs && p.Notify == nil:
			haveSaveAs = true
			p.SaveAs, p.Notify, err = parseSaveAs(segs)
		case name == stageNotify && haveSaveAs && p.Notify == nil:
			p.Notify, err = parseNotify(segs[0].params)
		default:
			err = invalid("unexpected stage %s", quote(name))
		}
		if err != nil {
			return nil, err
		}
	}
	if !haveSaveAs {
		return nil, missing("x-oss-async-process", stageSaveAs)
	}
	return p, nil
}

// subSegments lists the "/name" segments each stage may carry.
func subSegments(stage string) []string {
	switch stage {
	case ActionConcat:
		return []string{segPre, segSur, segSegment}
	case stageSaveAs:
		return []string{stageNotify}
	}
	return nil
}

// splitStage finds the stage name and cuts the rest into segments. A '/' is
// a segment separator only when a segment name this stage knows and a ','
// follow it (every segment has a required parameter): the standard base64
// alphabet also contains '/', so other slashes stay inside their value.
func splitStage(text string) (string, []segment, error) {
	name := ""
	for _, n := range []string{ActionConcat, ActionSprite, stageSaveAs, stageNotify} {
		if text == n || strings.HasPrefix(text, n+",") || strings.HasPrefix(text, n+"/") {
			name = n
			break
		}
	}
	if name == "" {
		head, _, _ := strings.Cut(text, ",")
		if text == "" {
			return "", nil, invalid("empty stage in process string")
		}
		return "", nil, unknownAction(head)
	}
	subs := subSegments(name)
	rest := text[len(name):]
	var segs []segment
	cur := segment{name: name}
	start := 0
	for i := 0; i < len(rest); i++ {
		if rest[i] != '/' {
			continue
		}
		word, _, comma := strings.Cut(rest[i+1:], ",")
		if !comma || !contains(subs, word) {
			continue
		}
		if err := cur.setParams(rest[start:i]); err != nil {
			return "", nil, err
		}
		segs = append(segs, cur)
		cur = segment{name: word}
		start = i + 1 + len(word)
		i = start - 1
	}
	if err := cur.setParams(rest[start:]); err != nil {
		return "", nil, err
	}
	return name, append(segs, cur), nil
}

// setParams stores the text after a segment's name: empty or ",params".
func (s *segment) setParams(text string) error {
	if text == "" {
		return nil
	}
	if text[0] != ',' {
		return invalid("%s: unexpected text %s", s.name, quote(text))
	}
	s.params = text[1:]
	if s.params == "" {
		return invalid("%s: empty parameter list after ','", s.name)
	}
	return nil
}
