package concat

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
)

// segmentListName is the segment muxer's CSV list (file,start,end per
// segment), written beside the segments in the work directory.
const segmentListName = "segments.csv"

// segmentPattern is the work-directory file pattern the segment muxer
// numbers from 0.
func segmentPattern(dir string, f parser.Container) string {
	return filepath.Join(dir, "segment-%05d."+f.Ext())
}

// segmentOptions drive libavformat's segment muxer: cut at the first
// keyframe at or after every t (the encoder forces one there), MP4 pieces
// restart their clock at 0 and carry their index in front so each plays on
// its own; TS pieces keep one continuous clock, as HLS expects.
func segmentOptions(seg *parser.Segment, pattern string) map[string]string {
	t := seg.Duration.Seconds()
	if t <= 0 {
		t = 1e7 // t_0: one segment holding everything
	}
	opts := map[string]string{
		"segment_format":    seg.Format.MuxerName(),
		"segment_time":      strconv.FormatFloat(t, 'f', 6, 64),
		"segment_list":      filepath.Join(filepath.Dir(pattern), segmentListName),
		"segment_list_type": "csv",
	}
	if seg.Format == parser.MP4 {
		opts["reset_timestamps"] = "1"
		opts["segment_format_options"] = "movflags=+faststart"
	}
	return opts
}

// segmentFile is one written segment.
type segmentFile struct {
	Path       string
	Start, End float64 // seconds on the output clock
}

// readSegmentList parses the CSV list the segment muxer wrote.
func readSegmentList(dir string) ([]segmentFile, error) {
	f, err := os.Open(filepath.Join(dir, segmentListName))
	if err != nil {
		return nil, fmt.Errorf("concat: segment list: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 3
	var segs []segmentFile
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("concat: segment list: %w", err)
		}
		start, err1 := strconv.ParseFloat(rec[1], 64)
		end, err2 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("concat: segment list: bad times in %q", rec)
		}
		segs = append(segs, segmentFile{Path: filepath.Join(dir, filepath.Base(rec[0])), Start: start, End: end})
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("concat: the segment muxer wrote no segment")
	}
	return segs, nil
}

// dropDelaySliver drops a last audio-only segment shorter than sliver:
// without video the segment muxer may cut at any packet, and the encoder's
// delay pushes its final packet just past the last boundary, into a piece
// of a few milliseconds that holds no content of its own.
func dropDelaySliver(segs []segmentFile, sliver float64) []segmentFile {
	if n := len(segs); n > 1 && segs[n-1].End-segs[n-1].Start < sliver {
		_ = os.Remove(segs[n-1].Path)
		return segs[:n-1]
	}
	return segs
}

// writePlaylist writes an HLS VOD playlist at file listing segments by
// their object keys, relative to the playlist's own key so the set can be
// served from any prefix.
func writePlaylist(file, playlistKey string, segs []segmentFile, keys []string) error {
	var b strings.Builder
	target := 1.0
	for _, s := range segs {
		target = max(target, math.Ceil(s.End-s.Start))
	}
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n", int(target))
	for i, s := range segs {
		fmt.Fprintf(&b, "#EXTINF:%.6f,\n%s\n", s.End-s.Start, engine.RelativeKey(playlistKey, keys[i]))
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return os.WriteFile(file, []byte(b.String()), 0o644)
}
