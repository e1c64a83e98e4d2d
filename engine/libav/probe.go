package libav

import (
	"context"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/storage"
)

// SourceInfo is what probing one object found (Probe).
type SourceInfo struct {
	Container string        // libav's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
	Size      int64         // bytes
	Duration  time.Duration // 0 when unknown
	Bitrate   int64         // container bitrate in bps; 0 when unknown
	Streams   int
	Video     *VideoInfo // the stream the engines would use; nil when none
	Audio     *AudioInfo
}

// VideoInfo describes a video stream.
type VideoInfo struct {
	Codec                       string
	PixFmt                      string
	Width, Height               int // coded size
	DisplayWidth, DisplayHeight int // upright, sample aspect applied
	Rotation                    int // degrees clockwise to display upright
	FPS                         float64
	Bitrate                     int64
}

// AudioInfo describes an audio stream.
type AudioInfo struct {
	Codec      string
	SampleRate int
	Channels   int
	Layout     string
	Bitrate    int64
}

// Probe opens bucket/key and describes its container and the streams the
// engines would pick (MainStream), with the properties they would take
// from them, without decoding anything: the web console shows it next to
// a task. A missing object is the backend's error, one libav cannot read
// InvalidMedia, one over maxPixels (0: no limit) InvalidMedia as in a task.
func Probe(ctx context.Context, store storage.Backend, bucket, key string, maxPixels int64) (*SourceInfo, error) {
	info, err := store.StatObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	in, err := OpenInput(ctx, store, bucket, key, maxPixels)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	s := &SourceInfo{Size: info.Size, Bitrate: in.Format.BitRate(), Streams: len(in.Format.Streams())}
	if f := in.Format.InputFormat(); f != nil {
		s.Container = f.Name()
	}
	v, a := in.MainStream(astiav.MediaTypeVideo), in.MainStream(astiav.MediaTypeAudio)
	if v != nil {
		par := v.CodecParameters()
		w, h := DisplaySize(v)
		s.Video = &VideoInfo{
			Codec: par.CodecID().Name(), PixFmt: par.PixelFormat().Name(), Width: par.Width(), Height: par.Height(),
			DisplayWidth: int(w + 0.5), DisplayHeight: int(h + 0.5), Rotation: Rotation(v),
			FPS: in.FrameRate(v), Bitrate: in.Bitrate(v),
		}
	}
	if a != nil {
		par := a.CodecParameters()
		s.Audio = &AudioInfo{
			Codec: par.CodecID().Name(), SampleRate: par.SampleRate(), Channels: par.ChannelLayout().NbChannels(),
			Layout: par.ChannelLayout().String(), Bitrate: in.Bitrate(a),
		}
	}
	st := v
	if st == nil {
		st = a
	}
	s.Duration = in.Duration(st)
	return s, nil
}
