// Package names holds the naming rules of the services ossemu emulates, for
// the packages that must agree on them without depending on each other: the
// OSS bucket-name rule (storage refuses such buckets, the parser refuses
// such sys/saveas targets) and the MNS name rule (the parser refuses such
// notify topics, the notifier such topics, queues and subscriptions).
package names

// ValidBucketName reports whether name follows OSS bucket naming rules:
// 3–63 characters of lower-case letters, digits and hyphens, starting and
// ending with a letter or digit. (Names starting with '_' can therefore never
// collide with the emulator's reserved /_ossemu/ prefix.)
func ValidBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(name)-1:
		default:
			return false
		}
	}
	return true
}

// MaxMNSNameLen is the longest MNS topic, queue or subscription name.
const MaxMNSNameLen = 256

// ValidMNSName reports whether name follows the MNS naming rule, which MNS
// applies alike to topics, queues and subscriptions: 1–256 characters of
// ASCII letters, digits and '-', starting with a letter.
func ValidMNSName(name string) bool {
	if name == "" || len(name) > MaxMNSNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case (c >= '0' && c <= '9' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}
