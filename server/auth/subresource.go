package auth

import "strings"

// Which query parameters a V1 signature covers. OSS signs "sub-resources"
// only; listing parameters (prefix, marker, max-keys, delimiter, list-type,
// encoding-type, start-after) never are. The SDKs carry slightly different
// lists, so ossemu tries each SDK's rule (see subresourcePolicies).

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

// subresourcePolicy decides whether a (decoded) query key is signed in V1.
type subresourcePolicy func(key string) bool

// subresourcePolicies are tried in order; the first is the one reported in
// SignatureDoesNotMatch errors. The union covers every SDK for the
// parameters it actually sends; the others cover a client that sends a
// parameter only some SDKs' lists contain (a custom x-oss-* key through the
// v1 SDK, which v2 would sign and v1 would not; x-oss-async-process from
// oss2, which does not sign it).
var subresourcePolicies = []subresourcePolicy{
	func(k string) bool {
		return v1GoSubresources[k] || v2GoSubresources[k] || strings.HasPrefix(k, "x-oss-") || strings.HasPrefix(k, "response-")
	},
	func(k string) bool { return v1GoSubresources[k] },
	func(k string) bool { return v2GoSubresources[k] || strings.HasPrefix(k, "x-oss-") },
	func(k string) bool { return oss2Subresources[k] },
}
