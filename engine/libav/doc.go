// Package libav is the shared libav layer of the media engines, on
// go-astiav v0.16.0 and FFmpeg 5.1 as Debian 12 ships them: inputs read
// from storage (custom AVIO for remote backends) with stream picking,
// decoders, filter graphs (one graph per stream, rebuilt when the frames
// change shape), encoders, the muxer, frame helpers, the dHash of frames,
// and the routing of libav's log to slog.
//
// C memory has one owner per resource: each owner (an Input, a Graph, a
// Muxer, an engine's run) holds an astikit.Closer, adds each libav object's
// Free to it right after allocating it, and closes it once, which frees in
// reverse order of allocation (as go-astiav's own examples do). Inside
// read and receive loops packets and frames are unreferenced every pass.
//
// layout.go is the only file that depends on go-astiav's struct layout.
package libav
