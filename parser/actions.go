package parser

import (
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// performed lists the actions ossemu performs, all of them asynchronously
// (POST /<key>?x-oss-async-process); read-only.
var performed = []string{ActionConcat, ActionSprite}

// performedText is "video/concat and video/sprite, asynchronously
// (x-oss-async-process)", the sentence every refusal of an action ends with.
func performedText() string {
	return strings.Join(performed, " and ") + ", asynchronously (x-oss-async-process)"
}

// unknownAction refuses an action the process string names that ossemu does
// not perform, saying which ones it does.
func unknownAction(action string) *osserr.Error {
	return invalid("unknown action %s: ossemu performs only %s", quote(action), performedText())
}

// RefuseSync is the answer to synchronous processing (?x-oss-process),
// which ossemu never performs: for an action it performs asynchronously, the
// call to use instead; for any other (video/snapshot, image/resize, …), that
// ossemu does not perform it at all and what it does perform. Both are
// 400 InvalidArgument: the request will fail the same way every time, so it
// must not be a 5xx the SDKs retry.
func RefuseSync(process string) *osserr.Error {
	action := strings.TrimSpace(strings.SplitN(strings.SplitN(process, "|", 2)[0], ",", 2)[0])
	switch {
	case contains(performed, action):
		return invalid("%s is performed only asynchronously: send it with POST /<object>?x-oss-async-process", action)
	case action == "":
		return invalid("x-oss-process names no action; ossemu performs only %s", performedText())
	}
	return invalid("ossemu does not perform %s, synchronously or asynchronously; it performs only %s", quote(action), performedText())
}
