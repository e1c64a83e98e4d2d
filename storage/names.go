package storage

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
