package libav

// forwardsSideDataPacket reports whether the libavformat muxer named muxer
// uses a packet without payload, which an encoder emits only to carry side
// data: FLAC's last packet holds nothing but the final STREAMINFO (MD5 and
// sample count) as new-extradata side data. The flac, matroska and mp4
// muxers rewrite their header from it (the segment muxer hands it to its
// mp4 segments; mov, webm and ts take no FLAC). Every other muxer gains nothing from it and may
// be hurt: AVI's audio time base is one FLAC frame, so the packet's dts
// (the sample count) rounds onto the last frame's and the muxer refuses it
// (EINVAL), or it becomes an empty chunk that adds a frame to the header
// and that no decoder takes. Encoders drop such packets for these muxers.
func forwardsSideDataPacket(muxer string) bool {
	switch muxer {
	case "flac", "matroska", "mp4", "segment":
		return true
	}
	return false
}
