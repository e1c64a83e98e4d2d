package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/local"
)

// observer records every set of outputs seen under a task's prefix, by a
// client while the emulator runs and in the data directory after a kill.
type observer struct {
	w        *workload
	seen     map[string]map[string]string // prefix → sorted keys joined by "\n" → where first seen
	listings int
}

func newObserver(w *workload) *observer {
	return &observer{w: w, seen: map[string]map[string]string{}}
}

func (o *observer) record(prefix string, keys []string, where string) {
	if len(keys) == 0 {
		return
	}
	sort.Strings(keys)
	set := strings.Join(keys, "\n")
	if o.seen[prefix] == nil {
		o.seen[prefix] = map[string]string{}
	}
	if _, ok := o.seen[prefix][set]; !ok {
		o.seen[prefix][set] = where
	}
}

// watch lists, for d, the prefixes of the running tasks (and of a few
// others) through the OSS API, as a client polling for results would.
func (o *observer) watch(ctx context.Context, d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) && ctx.Err() == nil {
		ts, err := o.w.list(ctx)
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		var prefixes []string
		for _, t := range ts {
			if tk := o.w.byID[t.TaskId]; tk != nil && t.Status == "Running" {
				prefixes = append(prefixes, tk.prefix)
			}
		}
		for range 3 {
			prefixes = append(prefixes, o.w.tasks[o.w.rng.IntN(len(o.w.tasks))].prefix)
		}
		c := o.w.em.client()
		for _, p := range prefixes {
			keys, err := listPrefix(ctx, c, p)
			if err != nil {
				break // the emulator is down
			}
			o.listings++
			o.record(p, keys, "listed by a client")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func listPrefix(ctx context.Context, c *oss.Client, prefix string) ([]string, error) {
	var keys []string
	p := c.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: oss.Ptr("media"), Prefix: oss.Ptr(prefix), MaxKeys: 1000})
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, obj := range page.Contents {
			keys = append(keys, oss.ToString(obj.Key))
		}
	}
	return keys, nil
}

// inspectDataDir records what the stopped emulator's storage holds.
func (o *observer) inspectDataDir(ctx context.Context, dir string, kill int) error {
	st, err := local.Open(ctx, local.Config{Dir: dir})
	if err != nil {
		return fmt.Errorf("opening the data directory after kill %d: %w", kill, err)
	}
	defer st.Close()
	byPrefix := map[string][]string{}
	marker := ""
	for {
		page, err := st.ListObjects(ctx, "media", storage.ListOptions{Prefix: "out/", Marker: marker, MaxKeys: 1000})
		if err != nil {
			return err
		}
		for _, obj := range page.Objects {
			parts := strings.SplitN(obj.Key, "/", 3)
			if len(parts) == 3 {
				p := parts[0] + "/" + parts[1] + "/"
				byPrefix[p] = append(byPrefix[p], obj.Key)
			}
		}
		if !page.IsTruncated {
			break
		}
		marker = page.NextMarker
	}
	for p, keys := range byPrefix {
		o.record(p, keys, fmt.Sprintf("in the data directory after kill %d", kill))
	}
	return nil
}
