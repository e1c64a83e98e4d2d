package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// Many clients writing, listing and reading at once get no server errors
// and every write is visible afterwards.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "busy")
	c := v2Client(e, testAK, testSK, false, false)
	ctx := context.Background()
	const writers, perWriter = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter*2)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				key := fmt.Sprintf("w%d/obj-%03d", w, i)
				if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("busy"), Key: oss.Ptr(key), Body: strings.NewReader(key)}); err != nil {
					errs <- err
				}
				if _, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("busy"), Prefix: oss.Ptr(fmt.Sprintf("w%d/", w)), MaxKeys: 10}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	total := 0
	p := c.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: oss.Ptr("busy"), MaxKeys: 37})
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		total += len(page.Contents)
	}
	require.Equal(t, writers*perWriter, total)
}
