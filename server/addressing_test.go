package server

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHostBucket(t *testing.T) {
	t.Parallel()
	s := &Server{cfg: Config{Domain: "oss.example.test"}}
	cases := map[string]string{
		"127.0.0.1:9000":                              "",
		"[::1]:9000":                                  "",
		"localhost:9000":                              "",
		"localhost":                                   "",
		"ossemu:9000":                                 "",
		"oss.example.test":                            "",
		"host.docker.internal:9000":                   "",
		"oss-cn-hangzhou.aliyuncs.com":                "",
		"media.localhost:9000":                        "media",
		"Media.LOCALHOST":                             "media",
		"media.oss.example.test:80":                   "media",
		"media.oss-cn-hangzhou.aliyuncs.com":          "media",
		"media.cn-hangzhou.aliyuncs.com":              "media",
		"media.oss-cn-hangzhou-internal.aliyuncs.com": "media",
	}
	for host, want := range cases {
		require.Equal(t, want, s.hostBucket(host), host)
	}
}

func TestParseRange(t *testing.T) {
	t.Parallel()
	cases := []struct {
		header     string
		standard   bool
		start, end int64
		ok, err    bool
	}{
		{"bytes=0-9", false, 0, 9, true, false},
		{"bytes=5-", false, 5, 99, true, false},
		{"bytes=-10", false, 90, 99, true, false},
		{"bytes=90-200", false, 90, 99, true, false},
		{"bytes=100-", false, 0, 0, false, false},
		{"bytes=100-", true, 0, 0, false, true},
		{"bytes=5-2", false, 0, 0, false, false},
		{"bytes=0-1,3-4", false, 0, 0, false, false},
		{"items=0-1", false, 0, 0, false, false},
		{"", false, 0, 0, false, false},
	}
	for _, c := range cases {
		h := map[string][]string{"Range": {c.header}}
		if c.standard {
			h["X-Oss-Range-Behavior"] = []string{"standard"}
		}
		start, end, ok, err := parseRange(h, 100)
		require.Equal(t, c.err, err != nil, c.header)
		require.Equal(t, c.ok, ok, c.header)
		if ok {
			require.Equal(t, [2]int64{c.start, c.end}, [2]int64{start, end}, c.header)
		}
	}
}

func TestURLEncode(t *testing.T) {
	t.Parallel()
	require.Equal(t, "a%2Fb%20c%2Bd%E4%B8%AD~._-", urlEncode("a/b c+d中~._-"))
}

func TestContentTypeFor(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		"v/a.MP4": "video/mp4", "x.ts": "video/mp2t", "s/sprite_1.jpg": "image/jpeg",
		"noext": "application/octet-stream", "dir.mp4/file": "application/octet-stream", "a.m3u8": "application/x-mpegURL",
	} {
		require.Equal(t, want, contentTypeFor(key), key)
	}
}
