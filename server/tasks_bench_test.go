package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	v2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/queue"
)

// BenchmarkAsyncSubmit measures AsyncProcessObject submissions per second
// through the v2 SDK over loopback, each durably committed (SQLite WAL,
// synchronous=FULL, group commit) before its 200. The reference measured in
// the same run is a signed HeadObject of the same source object: the cost of
// a request that does the same signature check and object lookup but no
// parse and no durable write. It reports submits/s, head/s and their ratio
// (the target is 2,000 submits/s on a 2-core machine).
func BenchmarkAsyncSubmit(b *testing.B) {
	e := newTaskEnv(b, nil, "src")
	e.put(b, "src", "in.mp4", "III")
	e.put(b, "src", "a.mp4", "AAA")
	c := e.v2Client()
	ctx := context.Background()
	process := concatProcess("src", "out/{barename}-{t_sec}.mp4", "a.mp4", "a.mp4")
	const clients = 64
	run := func(op func() error) float64 {
		var n atomic.Int64
		var failed atomic.Value
		b.SetParallelism(clients)
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := op(); err != nil {
					failed.Store(err)
					return
				}
				n.Add(1)
			}
		})
		if err, ok := failed.Load().(error); ok {
			b.Fatal(err)
		}
		return float64(n.Load()) / time.Since(start).Seconds()
	}
	head := run(func() error {
		_, err := c.HeadObject(ctx, &v2.HeadObjectRequest{Bucket: v2.Ptr("src"), Key: v2.Ptr("in.mp4")})
		return err
	})
	b.ResetTimer()
	submit := run(func() error {
		res, err := c.AsyncProcessObject(ctx, &v2.AsyncProcessObjectRequest{
			Bucket: v2.Ptr("src"), Key: v2.Ptr("in.mp4"), AsyncProcess: v2.Ptr(process),
		})
		if err == nil && !strings.HasPrefix(res.TaskId, "MediaConvert-") {
			b.Fatalf("bad TaskId %q", res.TaskId)
		}
		return err
	})
	b.StopTimer()
	// The same submissions from a lean client (V1 header signature, shared
	// keep-alive connections): how much of the figure is the SDK's own cost.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	raw := run(func() error {
		req, err := http.NewRequest(http.MethodPost, e.URL+"/src/in.mp4?x-oss-async-process",
			strings.NewReader("x-oss-async-process="+process))
		if err != nil {
			return err
		}
		signV1(req, "src", "in.mp4", "x-oss-async-process")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return err
	})
	tasks, _, err := e.Queue.List(ctx, queueListAll())
	require.NoError(b, err)
	require.NotEmpty(b, tasks)
	b.ReportMetric(submit, "submits/s")
	b.ReportMetric(head, "heads/s")
	b.ReportMetric(submit/head, "submit/head")
	b.ReportMetric(submit/2000, "submit/target")
	b.ReportMetric(raw, "raw-submits/s")
}

func queueListAll() queue.ListOptions { return queue.ListOptions{Limit: 1} }
