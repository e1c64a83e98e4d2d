package concat

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
)

// outputs names the written files through the saveas template.
func outputs(t engine.Task, saveas parser.SaveAs, p *plan, path string) ([]engine.Output, error) {
	vars := parser.Vars{Bucket: t.Bucket, Key: t.Object, Time: t.Created, Index: 1, AutoExt: p.format.Ext()}
	if p.video != nil {
		vars.Resolution = fmt.Sprintf("%dx%d", p.video.shape.Width, p.video.shape.Height)
	}
	bucket := t.Bucket
	if !saveas.Bucket.IsZero() {
		bucket = saveas.Bucket.Expand(vars)
	}
	ctype := contentType(p.format, p.video != nil)
	if p.spec.Segment == nil {
		return []engine.Output{{Bucket: bucket, Key: saveas.Object.Expand(vars), Path: path, ContentType: ctype}}, nil
	}

	segs, err := readSegmentList(t.WorkDir)
	if err != nil {
		return nil, err
	}
	if p.video == nil && p.audio != nil {
		segs = dropDelaySliver(segs, 2*float64(p.audio.frameSize)/float64(p.audio.rate))
	}
	var outs []engine.Output
	keys := make([]string, len(segs))
	for i, s := range segs {
		if _, err := os.Stat(s.Path); err != nil {
			return nil, fmt.Errorf("concat: segment %d: %w", i+1, err)
		}
		v := vars
		v.Index = i + 1
		keys[i] = parser.SegmentKey(saveas.Object, v)
		outs = append(outs, engine.Output{Bucket: bucket, Key: keys[i], Path: s.Path, ContentType: ctype})
	}
	if p.format == parser.TS {
		key := parser.CompanionKey(saveas.Object, vars, "m3u8", "playlist")
		file := filepath.Join(t.WorkDir, "playlist.m3u8")
		if err := writePlaylist(file, key, segs, keys); err != nil {
			return nil, fmt.Errorf("concat: writing playlist: %w", err)
		}
		outs = append(outs, engine.Output{Bucket: bucket, Key: key, Path: file, ContentType: "application/vnd.apple.mpegurl"})
	}
	return outs, nil
}

// contentType is the MIME type stored with an output of container f.
func contentType(f parser.Container, video bool) string {
	switch f {
	case parser.MP4:
		if !video {
			return "audio/mp4"
		}
		return "video/mp4"
	case parser.MKV:
		return "video/x-matroska"
	case parser.MOV:
		return "video/quicktime"
	case parser.ASF:
		return "video/x-ms-asf"
	case parser.AVI:
		return "video/x-msvideo"
	case parser.MXF:
		return "application/mxf"
	case parser.TS:
		return "video/mp2t"
	case parser.FLV:
		return "video/x-flv"
	case parser.WebM:
		return "video/webm"
	case parser.MP3:
		return "audio/mpeg"
	case parser.AAC:
		return "audio/aac"
	case parser.FLAC:
		return "audio/flac"
	case parser.OGA, parser.Opus:
		return "audio/ogg"
	case parser.AC3:
		return "audio/ac3"
	}
	return "application/octet-stream"
}
