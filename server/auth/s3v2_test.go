package auth

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// The SigV2 examples of the S3 documentation ("Signing and authenticating
// REST requests"), with its example key pair, requests and signatures.
func TestS3SigV2DocsExamples(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC1123Z, s)
		require.NoError(t, err)
		return ts
	}
	for _, tc := range []struct {
		name, method, url string
		headers           [][2]string
		res               Resource
		now               time.Time
		sig               string
	}{
		{"object GET", "GET", "http://johnsmith.s3.amazonaws.com/photos/puppy.jpg",
			[][2]string{{"Date", "Tue, 27 Mar 2007 19:36:42 +0000"}},
			Resource{"johnsmith", "photos/puppy.jpg"}, at("Tue, 27 Mar 2007 19:36:42 +0000"), "bWq2s1WEIj+Ydj0vQ697zp+IXMU="},
		{"object PUT", "PUT", "http://johnsmith.s3.amazonaws.com/photos/puppy.jpg",
			[][2]string{{"Content-Type", "image/jpeg"}, {"Content-Length", "94328"}, {"Date", "Tue, 27 Mar 2007 21:15:45 +0000"}},
			Resource{"johnsmith", "photos/puppy.jpg"}, at("Tue, 27 Mar 2007 21:15:45 +0000"), "MyyxeRY7whkBe+bq8fHCL/2kKUg="},
		{"list", "GET", "http://johnsmith.s3.amazonaws.com/?prefix=photos&max-keys=50&marker=puppy",
			[][2]string{{"User-Agent", "Mozilla/5.0"}, {"Date", "Tue, 27 Mar 2007 19:42:41 +0000"}},
			Resource{"johnsmith", ""}, at("Tue, 27 Mar 2007 19:42:41 +0000"), "htDYFYduRNen8P9ZfE/s9SuKy0U="},
		{"fetch acl", "GET", "http://johnsmith.s3.amazonaws.com/?acl",
			[][2]string{{"Date", "Tue, 27 Mar 2007 19:44:46 +0000"}},
			Resource{"johnsmith", ""}, at("Tue, 27 Mar 2007 19:44:46 +0000"), "c2WLPFtWHVgbEmeEG93a4cG37dM="},
		{"delete with x-amz-date", "DELETE", "http://s3.amazonaws.com/johnsmith/photos/puppy.jpg",
			[][2]string{{"Date", "Tue, 27 Mar 2007 21:20:27 +0000"}, {"x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"}},
			Resource{"johnsmith", "photos/puppy.jpg"}, at("Tue, 27 Mar 2007 21:20:26 +0000"), "lx3byBScXR6KzyMaifNkardMwNk="},
		{"upload with x-amz headers", "PUT", "http://static.johnsmith.net:8080/db-backup.dat.gz",
			[][2]string{{"User-Agent", "curl/7.15.5"}, {"Date", "Tue, 27 Mar 2007 21:06:08 +0000"},
				{"x-amz-acl", "public-read"}, {"content-type", "application/x-download"},
				{"Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="}, {"X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"},
				{"X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"}, {"X-Amz-Meta-FileChecksum", "0x02661779"},
				{"X-Amz-Meta-ChecksumAlgorithm", "crc32"}, {"Content-Disposition", "attachment; filename=database.dat"},
				{"Content-Encoding", "gzip"}, {"Content-Length", "5913339"}},
			Resource{"static.johnsmith.net", "db-backup.dat.gz"}, at("Tue, 27 Mar 2007 21:06:08 +0000"), "ilyl83RwaSoYIEdixDQcA4OnAnc="},
		{"list all my buckets", "GET", "http://s3.amazonaws.com/",
			[][2]string{{"Date", "Wed, 28 Mar 2007 01:29:59 +0000"}},
			Resource{}, at("Wed, 28 Mar 2007 01:29:59 +0000"), "qGdzdERIC03wnaRNKh6OqZehG9s="},
		{"unicode keys", "GET", "http://s3.amazonaws.com/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
			[][2]string{{"Date", "Wed, 28 Mar 2007 01:49:49 +0000"}},
			Resource{"dictionary", "français/préfère"}, at("Wed, 28 Mar 2007 01:49:49 +0000"), "DNEZGsoieTZ92F3bUfSPQcbGmlM="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := docsVerifier(tc.now)
			sign := func(sig string) *http.Request {
				r := docsRequest(tc.method, tc.url, "")
				for _, h := range tc.headers {
					r.Header.Add(h[0], h[1])
				}
				r.Header.Set("Authorization", "AWS "+docsAK+":"+sig)
				return r
			}
			require.NoError(t, v.Verify(sign(tc.sig), tc.res))
			err := v.Verify(sign("A"+tc.sig[1:]), tc.res)
			require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "%v", err)
			late := docsVerifier(tc.now.Add(DefaultMaxSkew + time.Second))
			require.True(t, osserr.Is(late.Verify(sign(tc.sig), tc.res), osserr.RequestTimeTooSkewed))
		})
	}
}

// TestS3SigV2DocsPresigned is the documentation's query-string example:
// the same signature is good until Expires and AccessDenied after it.
func TestS3SigV2DocsPresigned(t *testing.T) {
	t.Parallel()
	const url = "http://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620"
	res := Resource{"johnsmith", "photos/puppy.jpg"}
	expires := time.Unix(1175139620, 0)
	require.NoError(t, docsVerifier(expires.Add(-time.Hour)).Verify(docsRequest("GET", url, ""), res))
	err := docsVerifier(expires.Add(time.Second)).Verify(docsRequest("GET", url, ""), res)
	require.True(t, osserr.Is(err, osserr.AccessDenied), "%v", err)
	err = docsVerifier(expires.Add(-time.Hour)).Verify(docsRequest("GET", strings.Replace(url, "puppy", "kitten", 1), ""), Resource{"johnsmith", "photos/kitten.jpg"})
	require.True(t, osserr.Is(err, osserr.SignatureDoesNotMatch), "%v", err)
	err = docsVerifier(expires.Add(-time.Hour)).Verify(docsRequest("GET", strings.Replace(url, "AKIAIOSFODNN7EXAMPLE", "AKIAOTHER", 1), ""), res)
	require.True(t, osserr.Is(err, osserr.InvalidAccessKeyID), "%v", err)
}

// TestS3SigV2DateForms checks the DATE slot with the date forms clients
// send: rclone's SigV2 writes RFC 1123 with "UTC" rather than "GMT".
func TestS3SigV2DateForms(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 2, 16, 45, 0, time.UTC)
	for _, date := range []string{"Mon, 07 Dec 2026 02:16:45 UTC", "Mon, 07 Dec 2026 02:16:45 GMT", "Mon, 07 Dec 2026 02:16:45 +0000"} {
		r := docsRequest("GET", "http://127.0.0.1:9000/bucket/key", "", [2]string{"Date", date})
		r.Header.Set("Authorization", "AWS "+docsAK+":"+signV1(docsSecret, "GET\n\n\n"+date+"\n/bucket/key"))
		require.NoError(t, docsVerifier(now).Verify(r, Resource{"bucket", "key"}), date)
	}
}
