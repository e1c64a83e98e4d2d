// Package e2e tests notifications end to end: the v2 OSS Go SDK submits
// AsyncProcessObject with a notify stage to a real emulator stack (server,
// queue, FFmpeg engines, notifier), and an HTTP receiver gets the MNS push.
// It is its own package so the engines' cgo build only weighs on this test.
package e2e
