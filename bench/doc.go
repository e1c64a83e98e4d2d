// Package bench measures ossemu as a user meets it: the real emulator
// process, driven through the OSS Go SDK, side by side with what the user
// would otherwise run on the same machine — the ffmpeg CLI on the identical
// media job, versitygw (a POSIX-backed S3 server) on the same object I/O.
//
// Everything here is a Go benchmark, so `go test ./...` compiles it and runs
// nothing. Run one with -benchtime 1x (each benchmark repeats its own runs,
// alternating the two sides, and reports medians):
//
//	go test ./bench/ -run '^$' -bench ConcatVsCLI -benchtime 1x -timeout 60m
//	go test ./bench/ -run '^$' -bench ConcatRSSFlat -benchtime 1x -timeout 60m
//	go test ./bench/ -run '^$' -bench SpriteVsCLI -benchtime 1x -timeout 60m
//	OSSEMU_S3_SERVER_BIN=/path/to/versitygw go test ./bench/ -run '^$' -bench ObjectIO -benchtime 1x
//
// OSSEMU_BENCH_RUNS sets the runs per side (default 3); OSSEMU_BENCH_IDLE
// (cores, e.g. 0.3) holds each run back until other users keep at most
// that many cores busy (for at most OSSEMU_BENCH_IDLE_WAIT, default 15m). Source clips are
// rendered once with the ffmpeg CLI into OSSEMU_BENCH_CACHE (default
// <user cache dir>/ossemu-bench), outside the repository. Every figure is
// printed with the load average at its start: on a shared machine, rerun
// when it is above the core count.
package bench
