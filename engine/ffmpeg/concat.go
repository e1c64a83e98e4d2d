package ffmpeg

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// Concat is the video/concat processor: it joins the clips of a request
// (trimmed, normalised to one picture size, frame rate and audio format)
// into one output file, or into segments with /segment.
type Concat struct {
	cfg Config
}

var _ queue.Processor = (*Concat)(nil)

// NewConcat returns the processor; cfg.VideoPreset is the x264/x265 preset.
func NewConcat(cfg Config) *Concat {
	if cfg.VideoPreset == "" {
		cfg.VideoPreset = DefaultConfig().VideoPreset
	}
	return &Concat{cfg: cfg}
}

// Process runs one video/concat task. Outputs are files in job.WorkDir; on
// any error nothing is returned and the queue publishes nothing.
func (c *Concat) Process(ctx context.Context, qjob *queue.Job) (*queue.Result, error) {
	job, err := parseJob(qjob)
	if err != nil {
		return nil, err
	}
	if job.Pipeline.Concat == nil {
		return nil, osserr.New(osserr.InvalidArgument, "video/concat: the task has no concat parameters")
	}
	spec := job.Pipeline.Concat
	clips, err := openClips(ctx, job, spec)
	if err != nil {
		return nil, err
	}
	defer closeClips(clips)

	p, err := newPlan(spec, clips)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(job.WorkDir, "concat."+p.format.Ext())
	if spec.Segment != nil {
		path = segmentPattern(job.WorkDir, p.format)
	}
	threads := max(job.Threads, 1)
	o, err := newOutput(p, path, c.cfg.VideoPreset, threads)
	if err != nil {
		return nil, err
	}
	defer o.close()
	o.progress = progressFunc(job, p.total.Seconds())

	for _, clip := range clips {
		if err := runClip(ctx, o, clip, threads); err != nil {
			return nil, err
		}
		clip.in.Close() // release each input as soon as it is done
		clip.in = nil
	}
	if err := o.finish(); err != nil {
		return nil, err
	}
	o.close()

	res, err := c.outputs(job, p, path)
	if err != nil {
		return nil, err
	}
	if job.Progress != nil {
		job.Progress(100)
	}
	return res, nil
}

// progressFunc turns the output clock into whole percentages, reporting
// each change once; 100 is reported only when the files are complete.
func progressFunc(job *task, total float64) func(float64) {
	if job.Progress == nil || total <= 0 {
		return nil
	}
	last := -1
	return func(t float64) {
		pct := min(int(t/total*100), 99)
		if pct != last {
			last = pct
			job.Progress(pct)
		}
	}
}

// outputs names the written files through the saveas template.
func (c *Concat) outputs(job *task, p *plan, path string) (*queue.Result, error) {
	vars := parser.Vars{Bucket: job.Bucket, Key: job.Object, Time: job.CreatedAt, Index: 1, AutoExt: p.format.Ext()}
	if p.video != nil {
		vars.Resolution = fmt.Sprintf("%dx%d", p.video.shape.Width, p.video.shape.Height)
	}
	saveas := job.Pipeline.SaveAs
	bucket := job.Bucket
	if !saveas.Bucket.IsZero() {
		bucket = saveas.Bucket.Expand(vars)
	}
	ctype := contentType(p.format, p.video != nil)
	if p.spec.Segment == nil {
		return &queue.Result{Outputs: []queue.Output{{Bucket: bucket, Key: saveas.Object.Expand(vars), Path: path, ContentType: ctype}}}, nil
	}

	segs, err := readSegmentList(job.WorkDir)
	if err != nil {
		return nil, err
	}
	if p.video == nil && p.audio != nil {
		segs = dropDelaySliver(segs, 2*float64(p.audio.frameSize)/float64(p.audio.rate))
	}
	res := &queue.Result{}
	keys := make([]string, len(segs))
	for i, s := range segs {
		if _, err := os.Stat(s.Path); err != nil {
			return nil, fmt.Errorf("ffmpeg: segment %d: %w", i+1, err)
		}
		keys[i] = segmentKey(saveas.Object, vars, i+1)
		res.Outputs = append(res.Outputs, queue.Output{Bucket: bucket, Key: keys[i], Path: s.Path, ContentType: ctype})
	}
	if p.format == parser.TS {
		key := playlistKey(saveas.Object, vars)
		file := filepath.Join(job.WorkDir, "playlist.m3u8")
		if err := writePlaylist(file, key, segs, keys); err != nil {
			return nil, fmt.Errorf("ffmpeg: writing playlist: %w", err)
		}
		res.Outputs = append(res.Outputs, queue.Output{Bucket: bucket, Key: key, Path: file, ContentType: "application/vnd.apple.mpegurl"})
	}
	return res, nil
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
