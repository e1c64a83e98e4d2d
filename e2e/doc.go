// Package e2e holds ossemu's end-to-end acceptance tests. They build the
// real emulator (./cmd/emulator), run it as a child process on a loopback
// port with its own data directory, and drive it only through the official
// Go SDKs (aliyun-oss-go-sdk v1 with V4 signatures, alibabacloud-oss-go-sdk-v2),
// as the product documentation's examples do. Outputs are downloaded through
// the SDKs and checked by their properties: ffprobe for video, Go's image
// decoders for sprite sheets. See docs/e2e.md.
package e2e
