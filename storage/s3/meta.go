package s3

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/storage"
)

// Metadata keys ossemu keeps beside the user's x-oss-meta-* names. User
// metadata with the reserved prefix is dropped on write so it can never
// forge them.
const (
	metaPrefix  = "ossemu-"
	metaCRC64   = metaPrefix + "crc64"
	metaETag    = metaPrefix + "etag"
	metaParts   = metaPrefix + "parts"
	metaHeader  = metaPrefix + "h-" // + lower-case header name
	maxMetaSize = 2 << 10           // S3's limit on all user metadata
)

// encodeMeta builds the S3 metadata for an object; crc/etag/parts are
// omitted when zero.
func encodeMeta(opts storage.PutOptions, crc uint64, etag string, parts int) map[string]string {
	m := make(map[string]string, len(opts.UserMeta)+len(opts.Headers)+3)
	for k, v := range opts.UserMeta {
		if k = strings.ToLower(k); !strings.HasPrefix(k, metaPrefix) {
			m[k] = v
		}
	}
	for k, v := range opts.Headers {
		m[metaHeader+strings.ToLower(k)] = v
	}
	if etag != "" {
		m[metaCRC64] = strconv.FormatUint(crc, 10)
		m[metaETag] = etag
	}
	if parts > 0 {
		m[metaParts] = strconv.Itoa(parts)
	}
	return m
}

// decodeMeta fills info's metadata fields from S3 metadata and the S3 ETag.
// Objects written by other S3 clients have no ossemu keys: their ETag is
// S3's (upper-cased, as OSS writes it) and their CRC-64 is unknown (0).
// It reports whether the CRC-64 was recorded.
func decodeMeta(info *storage.ObjectInfo, meta map[string]string, s3ETag string) (hasCRC bool) {
	info.ETag = strings.ToUpper(strings.Trim(s3ETag, `"`))
	for k, v := range meta {
		k = strings.ToLower(k)
		switch {
		case k == metaCRC64:
			var err error
			info.CRC64, err = strconv.ParseUint(v, 10, 64)
			hasCRC = err == nil
		case k == metaETag:
			info.ETag = v
		case k == metaParts:
			info.PartCount, _ = strconv.Atoi(v)
		case strings.HasPrefix(k, metaHeader):
			if info.Headers == nil {
				info.Headers = map[string]string{}
			}
			info.Headers[http.CanonicalHeaderKey(k[len(metaHeader):])] = v
		case strings.HasPrefix(k, metaPrefix):
		default:
			if info.UserMeta == nil {
				info.UserMeta = map[string]string{}
			}
			info.UserMeta[k] = v
		}
	}
	return hasCRC
}

// optsOf recovers the PutOptions an object was written with, for rewriting
// its metadata in place.
func optsOf(info storage.ObjectInfo) storage.PutOptions {
	return storage.PutOptions{ContentType: info.ContentType, UserMeta: info.UserMeta, Headers: info.Headers}
}
