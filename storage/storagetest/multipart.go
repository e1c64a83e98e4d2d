package storagetest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

func testMultipart(t *testing.T, b storage.Backend) {
	mp, ok := b.(storage.Multipart)
	if !ok {
		t.Skip("backend has no multipart support")
	}
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "multi"))
	up, err := mp.InitiateUpload(ctx, "multi", "big.bin", storage.PutOptions{ContentType: "video/mp4", UserMeta: map[string]string{"k": "v"}})
	require.NoError(t, err)
	require.NotEmpty(t, up.UploadID)

	bodies := [][]byte{bytes.Repeat([]byte("a"), 1000), bytes.Repeat([]byte("b"), 777), []byte("tail")}
	var parts []storage.CompletePart
	var md5s []byte
	for i, body := range bodies {
		// Upload part 2 twice: the second one wins.
		if i == 1 {
			_, err := mp.UploadPart(ctx, "multi", "big.bin", up.UploadID, 2, strings.NewReader("replaced"), storage.PutOptions{Size: -1})
			require.NoError(t, err)
		}
		p, err := mp.UploadPart(ctx, "multi", "big.bin", up.UploadID, i+1, bytes.NewReader(body), storage.PutOptions{Size: int64(len(body))})
		require.NoError(t, err)
		sum := md5.Sum(body)
		md5s = append(md5s, sum[:]...)
		require.True(t, strings.EqualFold(hex.EncodeToString(sum[:]), p.ETag))
		parts = append(parts, storage.CompletePart{PartNumber: i + 1, ETag: `"` + strings.ToLower(p.ETag) + `"`})
	}
	_, err = mp.UploadPart(ctx, "multi", "big.bin", up.UploadID, 0, strings.NewReader("x"), storage.PutOptions{Size: -1})
	requireCode(t, err, osserr.InvalidArgument)
	_, err = mp.UploadPart(ctx, "multi", "big.bin", "NOSUCHID", 1, strings.NewReader("x"), storage.PutOptions{Size: -1})
	requireCode(t, err, osserr.NoSuchUpload)

	pp, err := mp.ListParts(ctx, "multi", "big.bin", up.UploadID, storage.PartListOptions{MaxParts: 2})
	require.NoError(t, err)
	require.True(t, pp.IsTruncated)
	require.Len(t, pp.Parts, 2)
	require.Equal(t, int64(777), pp.Parts[1].Size)
	pp, err = mp.ListParts(ctx, "multi", "big.bin", up.UploadID, storage.PartListOptions{PartNumberMarker: pp.NextPartNumberMarker})
	require.NoError(t, err)
	require.False(t, pp.IsTruncated)
	require.Len(t, pp.Parts, 1)

	ups, err := mp.ListUploads(ctx, "multi", storage.UploadListOptions{})
	require.NoError(t, err)
	require.Len(t, ups.Uploads, 1)
	require.Equal(t, "big.bin", ups.Uploads[0].Key)
	requireCode(t, b.DeleteBucket(ctx, "multi"), osserr.BucketNotEmpty)

	// Bad completions change nothing.
	_, err = mp.CompleteUpload(ctx, "multi", "big.bin", up.UploadID, []storage.CompletePart{parts[1], parts[0]})
	requireCode(t, err, osserr.InvalidPartOrder)
	_, err = mp.CompleteUpload(ctx, "multi", "big.bin", up.UploadID, []storage.CompletePart{{PartNumber: 1, ETag: "00"}})
	requireCode(t, err, osserr.InvalidPart)
	_, err = mp.CompleteUpload(ctx, "multi", "big.bin", up.UploadID, []storage.CompletePart{{PartNumber: 9, ETag: parts[0].ETag}})
	requireCode(t, err, osserr.InvalidPart)
	_, err = b.StatObject(ctx, "multi", "big.bin")
	requireCode(t, err, osserr.NoSuchKey)

	info, err := mp.CompleteUpload(ctx, "multi", "big.bin", up.UploadID, parts)
	require.NoError(t, err)
	whole := bytes.Join(bodies, nil)
	etag := md5.Sum(md5s)
	require.Equal(t, strings.ToUpper(hex.EncodeToString(etag[:]))+fmt.Sprintf("-%d", len(bodies)), info.ETag)
	require.Equal(t, int64(len(whole)), info.Size)
	require.Equal(t, crc64.Checksum(whole, crc64.MakeTable(crc64.ECMA)), info.CRC64)
	require.Equal(t, string(whole), get(t, b, "multi", "big.bin"))
	st, err := b.StatObject(ctx, "multi", "big.bin")
	require.NoError(t, err)
	require.Equal(t, "video/mp4", st.ContentType)
	require.Equal(t, "v", st.UserMeta["k"])
	require.Equal(t, 3, st.PartCount)

	_, err = mp.CompleteUpload(ctx, "multi", "big.bin", up.UploadID, parts)
	requireCode(t, err, osserr.NoSuchUpload)

	// Abort.
	up2, err := mp.InitiateUpload(ctx, "multi", "gone", storage.PutOptions{})
	require.NoError(t, err)
	_, err = mp.UploadPart(ctx, "multi", "gone", up2.UploadID, 1, strings.NewReader("x"), storage.PutOptions{Size: 1})
	require.NoError(t, err)
	require.NoError(t, mp.AbortUpload(ctx, "multi", "gone", up2.UploadID))
	requireCode(t, mp.AbortUpload(ctx, "multi", "gone", up2.UploadID), osserr.NoSuchUpload)
	ups, err = mp.ListUploads(ctx, "multi", storage.UploadListOptions{})
	require.NoError(t, err)
	require.Empty(t, ups.Uploads)
	// Paging uploads with a delimiter reports each common prefix once.
	for _, k := range []string{"p/a", "p/b", "p/c", "q", "r/a"} {
		_, err := mp.InitiateUpload(ctx, "multi", k, storage.PutOptions{})
		require.NoError(t, err)
	}
	var seen []string
	uo := storage.UploadListOptions{Delimiter: "/", MaxUploads: 1}
	for range 10 {
		page, err := mp.ListUploads(ctx, "multi", uo)
		require.NoError(t, err)
		seen = append(seen, page.CommonPrefixes...)
		for _, u := range page.Uploads {
			seen = append(seen, u.Key)
		}
		if !page.IsTruncated {
			break
		}
		uo.KeyMarker, uo.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
	require.Equal(t, []string{"p/", "q", "r/"}, seen)
	_, err = mp.InitiateUpload(ctx, "multi", "../x", storage.PutOptions{})
	requireCode(t, err, osserr.InvalidObjectName)
}
