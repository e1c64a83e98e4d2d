package e2e

import (
	"encoding/base64"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"testing"

	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// The sprite source: 60 s of testsrc2 (a running hh:mm:ss.mmm timestamp, a
// frame counter and moving shapes, so every frame is distinct), small so
// the tests stay fast.
const (
	spriteW, spriteH = 320, 240
	spriteFPS        = 25
	spriteSeconds    = 60
)

// grid describes a sheet layout: cells of cw×ch, tw×th, pad and margin.
type grid struct{ cw, ch, tw, th, pad, margin int }

func (g grid) size() image.Point {
	return image.Pt(2*g.margin+g.tw*g.cw+(g.tw-1)*g.pad, 2*g.margin+g.th*g.ch+(g.th-1)*g.pad)
}

// cell is the rectangle of the i-th cell (row-major) on a sheet.
func (g grid) cell(i int) image.Rectangle {
	x := g.margin + (i%g.tw)*(g.cw+g.pad)
	y := g.margin + (i/g.tw)*(g.ch+g.pad)
	return image.Rect(x, y, x+g.cw, y+g.ch)
}

// fitCell is scaletype_fit's cell: the source scaled proportionally to fit
// the psw×psh box, so the cell has the source's aspect ratio and no bars.
func fitCell(srcW, srcH, psw, psh int) (int, int) {
	bw, bh := float64(srcW*psw)/100, float64(srcH*psh)/100
	s := min(bw/float64(srcW), bh/float64(srcH))
	return int(float64(srcW)*s + 0.5), int(float64(srcH)*s + 0.5)
}

// Cells with a frame in them are bright (testsrc2 is colour bars); empty
// cells are the black background.
const filledLuma, emptyLuma = 40, 8

// TestSpriteSeedExamples runs seed 004's three examples on one 60 s clip
// through the v1 SDK and checks every sheet: names, count, size, which
// cells hold frames and, for the fixed interval, which frames they are.
func TestSpriteSeedExamples(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "video-demo", "outbucket", "avgbucket", "examplebucket")
	dir := t.TempDir()
	mkv := filepath.Join(dir, "example.mkv")
	ffmpeg(t, "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=%d:duration=%d", spriteW, spriteH, spriteFPS, spriteSeconds),
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", mkv)
	mp4 := filepath.Join(dir, "src.mp4")
	ffmpeg(t, "-i", mkv, "-c", "copy", mp4)
	require.NoError(t, e.bucketV1(t, "video-demo").PutObjectFromFile("example.mkv", mkv))
	require.NoError(t, e.bucketV1(t, "examplebucket").PutObjectFromFile("src.mp4", mp4))

	t.Run("inter 2 s, 3x3 sheets of 200x150", func(t *testing.T) {
		t.Parallel()
		// Reference frames the ffmpeg CLI extracts at 0, 2, …, 58 s.
		refs := referenceFrames(t, mkv, 2*spriteFPS, 200, 150)
		require.Len(t, refs, 30)

		process := "video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0" +
			"|sys/saveas,b_" + enc("outbucket") + ",o_" + enc("outobjprefix-{index}.{autoext}") +
			"/notify,topic_" + enc("example-mns-topic")
		v := submitV1(t, e, "video-demo", "example.mkv", process)
		want := []string{"outobjprefix-1.jpg", "outobjprefix-2.jpg", "outobjprefix-3.jpg", "outobjprefix-4.jpg"}
		require.Equal(t, uris("outbucket", want), targetURIs(v))
		require.Equal(t, want, listKeys(t, e.bucketV1(t, "outbucket"), "outobjprefix"))

		g := grid{cw: 200, ch: 150, tw: 3, th: 3}
		frame := 0
		for n, key := range want {
			img := downloadImage(t, e.bucketV1(t, "outbucket"), key, "jpeg")
			require.Equal(t, image.Pt(600, 450), img.Bounds().Size(), key)
			for i := range 9 {
				r := g.cell(i)
				if n == 3 && i >= 3 {
					require.Less(t, meanLuma(img, r), float64(emptyLuma), "%s cell %d is empty", key, i)
					continue
				}
				require.Greater(t, meanLuma(img, r), float64(filledLuma), "%s cell %d holds a frame", key, i)
				require.Equal(t, frame, nearest(img, r, refs), "%s cell %d is the frame at %d s", key, i, 2*frame)
				frame++
			}
		}
		require.Equal(t, 30, frame)
	})

	t.Run("avg, fitted 10 percent cells, 10x10", func(t *testing.T) {
		t.Parallel()
		process := "video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5" +
			"|sys/saveas,b_" + enc("avgbucket") + ",o_" + enc("outobjprefix-{index}.{autoext}") +
			"/notify,topic_" + enc("example-mns-topic")
		v := submitV1(t, e, "video-demo", "example.mkv", process)
		require.Equal(t, uris("avgbucket", []string{"outobjprefix-1.jpg"}), targetURIs(v))
		require.Equal(t, []string{"outobjprefix-1.jpg"}, listKeys(t, e.bucketV1(t, "avgbucket"), ""))

		cw, ch := fitCell(spriteW, spriteH, 10, 10)
		g := grid{cw: cw, ch: ch, tw: 10, th: 10, pad: 4, margin: 5}
		img := downloadImage(t, e.bucketV1(t, "avgbucket"), "outobjprefix-1.jpg", "jpeg")
		require.Equal(t, g.size(), img.Bounds().Size(), "2·5 + 10·%d + 9·4 wide", cw)
		// 100 frames evenly over 60 s: one every 0.6 s (every 15th frame).
		refs := referenceFrames(t, mkv, spriteFPS*6/10, cw, ch)
		require.Len(t, refs, 100)
		off := 0
		for i := range 100 {
			r := g.cell(i)
			require.Greater(t, meanLuma(img, r), float64(filledLuma), "cell %d holds a frame", i)
			if d := nearest(img, r, refs) - i; d != 0 {
				off++
				require.LessOrEqual(t, abs(d), 1, "cell %d is the frame at %.1f s", i, 0.6*float64(i))
			}
		}
		// Thumbnails this small can tie with a neighbour; most must match exactly.
		require.LessOrEqual(t, off, 10, "cells not matching their exact frame")
	})

	// The three naming cases of a multi-sheet task (6 frames on 2x2 sheets).
	small := "video/sprite,f_jpg,sw_64,sh_48,inter_10000,tw_2,th_2,pad_0,margin_0"
	small4 := grid{cw: 64, ch: 48, tw: 2, th: 2}
	t.Run("name without extension gets _0_<index>", func(t *testing.T) {
		t.Parallel()
		v := submitV1(t, e, "video-demo", "example.mkv", small+"|sys/saveas,b_"+enc("outbucket")+",o_"+enc("noext/sheet"))
		want := []string{"noext/sheet_0_1.jpg", "noext/sheet_0_2.jpg"}
		require.Equal(t, uris("outbucket", want), targetURIs(v))
		require.Equal(t, want, listKeys(t, e.bucketV1(t, "outbucket"), "noext/"))
		for _, key := range want {
			img := downloadImage(t, e.bucketV1(t, "outbucket"), key, "jpeg")
			require.Equal(t, small4.size(), img.Bounds().Size())
		}
	})
	t.Run("name with extension keeps only the last sheet", func(t *testing.T) {
		t.Parallel()
		submitV1(t, e, "video-demo", "example.mkv", small+"|sys/saveas,b_"+enc("outbucket")+",o_"+enc("last/sheet.jpg"))
		require.Equal(t, []string{"last/sheet.jpg"}, listKeys(t, e.bucketV1(t, "outbucket"), "last/"))
		img := downloadImage(t, e.bucketV1(t, "outbucket"), "last/sheet.jpg", "jpeg")
		require.Equal(t, small4.size(), img.Bounds().Size())
		// The second sheet: frames at 40 s and 50 s, then two empty cells.
		for i := range 4 {
			if i < 2 {
				require.Greater(t, meanLuma(img, small4.cell(i)), float64(filledLuma), "cell %d holds a frame", i)
			} else {
				require.Less(t, meanLuma(img, small4.cell(i)), float64(emptyLuma), "cell %d is empty", i)
			}
		}
	})
	t.Run("png with index", func(t *testing.T) {
		t.Parallel()
		process := "video/sprite,f_png,sw_64,sh_48,inter_10000,tw_2,th_2,pad_3,margin_2|sys/saveas,b_" + enc("outbucket") + ",o_" + enc("png/{barename}-{index}.{autoext}")
		v := submitV1(t, e, "video-demo", "example.mkv", process)
		want := []string{"png/example-1.png", "png/example-2.png"}
		require.Equal(t, uris("outbucket", want), targetURIs(v))
		require.Equal(t, want, listKeys(t, e.bucketV1(t, "outbucket"), "png/"))
		g := grid{cw: 64, ch: 48, tw: 2, th: 2, pad: 3, margin: 2}
		for _, key := range want {
			img := downloadImage(t, e.bucketV1(t, "outbucket"), key, "png")
			require.Equal(t, image.Pt(2*2+2*64+3, 2*2+2*48+3), img.Bounds().Size())
			require.Greater(t, meanLuma(img, g.cell(0)), float64(filledLuma))
		}
	})

	t.Run("SDK example, one named sheet", func(t *testing.T) {
		t.Parallel()
		// As seed 004's Go example builds it: URLEncoding with padding.
		bucketName, sourceKey, targetKey := "examplebucket", "src.mp4", "example.jpg"
		animationStyle := "video/sprite,f_jpg,sw_100,sh_100,inter_10000,tw_10,th_10,pad_0,margin_0"
		bucketNameEncoded := base64.URLEncoding.EncodeToString([]byte(bucketName))
		targetKeyEncoded := base64.URLEncoding.EncodeToString([]byte(targetKey))
		process := fmt.Sprintf("%s|sys/saveas,b_%v,o_%v/notify,topic_QXVkaW9Db252ZXJ0", animationStyle, bucketNameEncoded, targetKeyEncoded)
		v := submitV1(t, e, bucketName, sourceKey, process)
		require.Equal(t, uris(bucketName, []string{targetKey}), targetURIs(v))
		require.Equal(t, []string{"example.jpg", "src.mp4"}, listKeys(t, e.bucketV1(t, bucketName), ""))

		img := downloadImage(t, e.bucketV1(t, bucketName), targetKey, "jpeg")
		g := grid{cw: 100, ch: 100, tw: 10, th: 10}
		require.Equal(t, image.Pt(1000, 1000), img.Bounds().Size())
		for i := range 100 {
			if i < 6 { // 0, 10, …, 50 s
				require.Greater(t, meanLuma(img, g.cell(i)), float64(filledLuma), "cell %d holds a frame", i)
			} else {
				require.Less(t, meanLuma(img, g.cell(i)), float64(emptyLuma), "cell %d is empty", i)
			}
		}
	})
}

// submitV1 submits a process string with the v1 SDK and waits for success.
func submitV1(t *testing.T, e *emulator, bucket, key, process string) task {
	t.Helper()
	rs, err := e.bucketV1(t, bucket).AsyncProcessObject(key, process)
	require.NoError(t, err)
	requireIDs(t, rs.EventId, rs.RequestId, rs.TaskId)
	return e.requireSucceeded(t, rs.TaskId)
}

func uris(bucket string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "oss://" + bucket + "/" + k
	}
	return out
}

// listKeys lists a bucket's keys under prefix through the v1 SDK, sorted.
func listKeys(t *testing.T, b *ossv1.Bucket, prefix string) []string {
	t.Helper()
	res, err := b.ListObjectsV2(ossv1.Prefix(prefix), ossv1.MaxKeys(1000))
	require.NoError(t, err)
	var keys []string
	for _, o := range res.Objects {
		keys = append(keys, o.Key)
	}
	sort.Strings(keys)
	return keys
}

// downloadImage fetches an object through the v1 SDK, checks its
// Content-Type (image/jpeg or image/png) and decodes it.
func downloadImage(t *testing.T, b *ossv1.Bucket, key, format string) image.Image {
	t.Helper()
	p := filepath.Join(t.TempDir(), filepath.Base(key))
	require.NoError(t, b.GetObjectToFile(key, p))
	meta, err := b.GetObjectDetailedMeta(key)
	require.NoError(t, err)
	require.Equal(t, "image/"+format, meta.Get("Content-Type"), key)
	img, got := decodeImage(t, p)
	require.Equal(t, format, got, key)
	return img
}

// referenceFrames has the ffmpeg CLI extract every step-th frame of a clip,
// scaled to w×h, and decodes them in order.
func referenceFrames(t *testing.T, clip string, step, w, h int) []image.Image {
	t.Helper()
	dir := t.TempDir()
	ffmpeg(t, "-i", clip, "-vf", fmt.Sprintf("select='not(mod(n\\,%d))',scale=%d:%d", step, w, h),
		"-fps_mode", "passthrough", filepath.Join(dir, "ref-%04d.png"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var refs []image.Image
	for _, en := range entries {
		img, _ := decodeImage(t, filepath.Join(dir, en.Name()))
		refs = append(refs, img)
	}
	return refs
}

// nearest returns the index of the reference frame closest to a cell.
func nearest(img image.Image, r image.Rectangle, refs []image.Image) int {
	best, bestD := -1, 0.0
	for i, ref := range refs {
		if d := meanAbsDiff(img, r, ref); best < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
