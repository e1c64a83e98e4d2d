package auth

import "strings"

// Which query parameters a V1 signature covers. OSS signs "sub-resources"
// only; listing parameters (prefix, marker, max-keys, delimiter, list-type,
// encoding-type, start-after) never are. The SDKs carry slightly different
// lists, so ossemu tries the choices they disagree on (see signedSubsets).

// v1GoSubresources is the v1 Go SDK's signKeyList (oss/conn.go), which also
// matches ali-oss and oss2 for every parameter those send.
var v1GoSubresources = setOf(
	"acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle",
	"delete", "append", "tagging", "objectMeta", "uploadId", "partNumber", "security-token",
	"position", "img", "style", "styleName", "replication", "replicationProgress",
	"replicationLocation", "cname", "bucketInfo", "comp", "qos", "live", "status", "vod",
	"startTime", "endTime", "symlink", "x-oss-process", "response-content-type",
	"x-oss-traffic-limit", "response-content-language", "response-expires",
	"response-cache-control", "response-content-disposition", "response-content-encoding",
	"udf", "udfName", "udfImage", "udfId", "udfImageDesc", "udfApplication",
	"udfApplicationLog", "restore", "callback", "callback-var", "qosInfo", "policy", "stat",
	"encryption", "versions", "versioning", "versionId", "requestPayment",
	"x-oss-request-payer", "sequential", "inventory", "inventoryId", "continuation-token",
	"asyncFetch", "worm", "wormId", "wormExtend", "withHashContext", "x-oss-enable-md5",
	"x-oss-enable-sha1", "x-oss-enable-sha256", "x-oss-hash-ctx", "x-oss-md5-ctx",
	"transferAcceleration", "regionList", "cloudboxes", "x-oss-ac-source-ip",
	"x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow", "metaQuery",
	"resourceGroup", "rtc", "x-oss-async-process", "responseHeader",
)

// v2GoSubresources is the v2 Go SDK's always-signed list
// (signer/v1.go requiredSignedParametersMap) plus the per-operation
// sub-resources its API calls declare; v2 also signs every x-oss-* key.
var v2GoSubresources = setOf(
	"acl", "bucketInfo", "location", "stat", "delete", "append", "tagging", "objectMeta",
	"uploads", "uploadId", "partNumber", "security-token", "position",
	"response-content-type", "response-content-language", "response-expires",
	"response-cache-control", "response-content-disposition", "response-content-encoding",
	"restore", "callback", "callback-var", "versions", "versioning", "versionId",
	"sequential", "continuation-token", "regionList", "cloudboxes", "symlink",
	// per-operation SubResource declarations in the v2 API files
	"accessPoint", "accessPointConfigForObjectProcess", "accessPointForObjectProcess",
	"accessPointPolicy", "accessPointPolicyForObjectProcess", "bucketArchiveDirectRead",
	"cleanRestoredObject", "cname", "comp", "cors", "encryption", "httpsConfig", "inventory",
	"inventoryId", "legalHold", "lifecycle", "logging", "metaQuery", "overwriteConfig",
	"policy", "policyStatus", "publicAccessBlock", "redundancyTransition", "referer",
	"regions", "replication", "replicationLocation", "replicationProgress",
	"requestPayment", "resourceGroup", "retention", "rtc", "seal", "style", "styleName",
	"transferAcceleration", "website", "worm", "wormExtend", "wormId", "objectWorm",
)

// oss2Subresources is Python oss2's ProviderAuth._subresource_key_set. It
// lacks x-oss-async-process, so oss2's async_process_object signs none of
// its query (the Go SDKs sign that key).
var oss2Subresources = setOf(
	"response-content-type", "response-content-language", "response-cache-control",
	"logging", "response-content-encoding", "acl", "uploadId", "uploads", "partNumber",
	"group", "link", "delete", "website", "location", "objectInfo", "objectMeta",
	"response-expires", "response-content-disposition", "cors", "lifecycle", "restore",
	"qos", "referer", "stat", "bucketInfo", "append", "position", "security-token", "live",
	"comp", "status", "vod", "startTime", "endTime", "x-oss-process", "symlink", "callback",
	"callback-var", "tagging", "encryption", "versions", "versioning", "versionId", "policy",
	"requestPayment", "x-oss-traffic-limit", "qosInfo", "asyncFetch", "x-oss-request-payer",
	"sequential", "inventory", "inventoryId", "continuation-token", "worm", "wormId",
	"wormExtend", "replication", "replicationLocation", "replicationProgress",
	"transferAcceleration", "cname", "metaQuery", "resourceGroup",
)

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// javaSubresources is the Java SDK's SignParameters.SIGNED_PARAMTERS.
var javaSubresources = setOf(
	"acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle",
	"delete", "append", "tagging", "objectMeta", "uploadId", "partNumber", "security-token",
	"position", "response-cache-control", "response-content-disposition",
	"response-content-encoding", "response-content-language", "response-content-type",
	"response-expires", "img", "style", "styleName", "replication", "replicationProgress",
	"replicationLocation", "cname", "bucketInfo", "comp", "qos", "live", "status", "vod",
	"startTime", "endTime", "x-oss-process", "processConfiguration", "symlink", "stat", "udf",
	"udfName", "udfImage", "udfImageDesc", "udfApplication", "udfApplicationLog", "restore",
	"versions", "versioning", "versionId", "encryption", "policy", "requestPayment",
	"x-oss-traffic-limit", "qosInfo", "asyncFetch", "sequential", "x-oss-request-payer",
	"vpcip", "vip", "inventory", "inventoryId", "continuation-token", "worm", "wormId",
	"wormExtend", "callback", "callback-var",
)

// subresourceLists are the SDKs' rules for which query keys V1 signs.
var subresourceLists = []func(key string) bool{
	func(k string) bool { return v1GoSubresources[k] },
	func(k string) bool { return v2GoSubresources[k] || strings.HasPrefix(k, "x-oss-") },
	func(k string) bool { return oss2Subresources[k] },
	func(k string) bool { return javaSubresources[k] },
}

// maxAmbiguous bounds the subsets tried in signedSubsets (2^4 = 16 HMACs).
const maxAmbiguous = 4

// signedSubsets returns the sets of query keys a V1 signer may have signed,
// the union of all SDK lists first (the form reported in
// SignatureDoesNotMatch). Keys every list signs are always in; keys no list
// signs (prefix, marker, max-keys, …) never are; a key only some lists sign
// is "ambiguous" and both choices are tried, e.g. x-oss-async-process, which
// the Go SDKs sign and oss2 and Java do not. With more than maxAmbiguous such
// keys only each SDK's own list is tried.
func signedSubsets(q query) []func(key string) bool {
	var ambiguous []string
	seen := make(map[string]bool)
	for _, p := range q {
		if seen[p.key] {
			continue
		}
		seen[p.key] = true
		n := 0
		for _, in := range subresourceLists {
			if in(p.key) {
				n++
			}
		}
		if n > 0 && n < len(subresourceLists) {
			ambiguous = append(ambiguous, p.key)
		}
	}
	union := func(k string) bool {
		for _, in := range subresourceLists {
			if in(k) {
				return true
			}
		}
		return false
	}
	if len(ambiguous) > maxAmbiguous {
		return append([]func(string) bool{union}, subresourceLists...)
	}
	out := make([]func(string) bool, 0, 1<<len(ambiguous))
	// mask bit i set = ambiguous[i] left out; mask 0 is the union.
	for mask := 0; mask < 1<<len(ambiguous); mask++ {
		excluded := make(map[string]bool)
		for i, k := range ambiguous {
			if mask&(1<<i) != 0 {
				excluded[k] = true
			}
		}
		out = append(out, func(k string) bool { return union(k) && !excluded[k] })
	}
	return out
}
