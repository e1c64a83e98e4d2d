package console

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ossemu/ossemu/storage"
)

// session answers GET api/session: who is signed in and where things are.
func (c *Console) session(r *http.Request) (any, error) {
	return map[string]any{
		"AccessKeyId": c.cfg.AccessKeyID, "Region": c.cfg.Region, "Prefix": c.cfg.Prefix,
		"Cancel": c.cfg.Canceller != nil, "Media": c.cfg.Media != nil, "MNS": c.cfg.MNS != nil,
		"Notifications": c.cfg.Notifications != nil,
	}, nil
}

func (c *Console) listBuckets(r *http.Request) (any, error) {
	bs, err := c.cfg.Storage.ListBuckets(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]map[string]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, map[string]string{"Name": b.Name, "Created": stamp(b.Created)})
	}
	return map[string]any{"Buckets": out}, nil
}

// objectRow is one listed object.
type objectRow struct {
	Key          string `json:"Key"`
	Size         int64  `json:"Size"`
	ETag         string `json:"ETag"`
	LastModified string `json:"LastModified"`
	ContentType  string `json:"ContentType"`
	Kind         string `json:"Kind"`
	URL          string `json:"URL"`
}

// listObjects answers GET api/buckets/{bucket}/objects?prefix=&marker=:
// one level of a "/"-delimited listing.
func (c *Console) listObjects(r *http.Request) (any, error) {
	bucket, q := r.PathValue("bucket"), r.URL.Query()
	limit := 200
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v > 0 && v <= 1000 {
		limit = v
	}
	page, err := c.cfg.Storage.ListObjects(r.Context(), bucket, storage.ListOptions{
		Prefix: q.Get("prefix"), Delimiter: "/", Marker: q.Get("marker"), MaxKeys: limit,
	})
	if err != nil {
		return nil, err
	}
	objs := make([]objectRow, 0, len(page.Objects))
	for _, o := range page.Objects {
		objs = append(objs, objectRow{Key: o.Key, Size: o.Size, ETag: o.ETag, LastModified: stamp(o.LastModified),
			ContentType: o.ContentType, Kind: mediaKind(o.ContentType, o.Key), URL: c.objectURL(bucket, o.Key)})
	}
	prefixes := page.CommonPrefixes
	if prefixes == nil {
		prefixes = []string{}
	}
	next := ""
	if page.IsTruncated {
		next = page.NextMarker
	}
	return map[string]any{"Bucket": bucket, "Prefix": q.Get("prefix"), "Objects": objs, "Prefixes": prefixes, "NextMarker": next}, nil
}

// objectURL is where the console streams an object (with Range support),
// so media elements and HLS playlists' relative segment names work with
// the session cookie.
func (c *Console) objectURL(bucket, key string) string {
	return c.cfg.Prefix + "api/object/" + url.PathEscape(bucket) + "/" + escapeKey(key)
}

// escapeKey escapes each path segment of key, keeping the slashes.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// serveObject streams an object with Range and conditional support;
// ?download=1 asks the browser to save it.
func (c *Console) serveObject(w http.ResponseWriter, r *http.Request) {
	bucket, key := r.PathValue("bucket"), r.PathValue("key")
	obj, err := c.cfg.Storage.GetObject(r.Context(), bucket, key)
	if err != nil {
		status, body := c.errorBody(r, err)
		writeJSON(w, status, body)
		return
	}
	defer obj.Close()
	info := obj.Info()
	ctype := info.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+info.ETag+`"`)
	h.Set("Cache-Control", "private, no-cache")
	// Objects are user data: never let the browser run them as a page.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; media-src 'self'")
	if r.URL.Query().Get("download") == "1" {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(key)}))
	}
	http.ServeContent(w, r, "", info.LastModified, obj)
}

// presignRequest asks for a presigned OSS URL.
type presignRequest struct {
	Method      string            `json:"Method"`
	Bucket      string            `json:"Bucket"`
	Key         string            `json:"Key"`
	Query       map[string]string `json:"Query"` // sub-resources, e.g. {"uploads": ""}
	ContentType string            `json:"ContentType"`
	ExpiresIn   int64             `json:"ExpiresIn"` // seconds; default 3600, at most 7 days
}

// presign answers POST api/presign with a URL the browser (or a person,
// "copy presigned URL") can use against the OSS API.
func (c *Console) presign(r *http.Request) (any, error) {
	var in presignRequest
	if err := decodeBody(r, &in); err != nil {
		return nil, err
	}
	switch in.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete:
	default:
		return nil, apiErr(http.StatusBadRequest, "InvalidArgument", "method %q is not GET, HEAD, PUT, POST or DELETE", in.Method)
	}
	if in.Bucket == "" {
		return nil, apiErr(http.StatusBadRequest, "InvalidArgument", "a bucket is required")
	}
	ttl := time.Duration(in.ExpiresIn) * time.Second
	switch {
	case in.ExpiresIn == 0:
		ttl = time.Hour
	case in.ExpiresIn < 1 || ttl > 7*24*time.Hour:
		return nil, apiErr(http.StatusBadRequest, "InvalidArgument", "ExpiresIn %d is not in [1, 604800]", in.ExpiresIn)
	}
	sub := url.Values{}
	for k, v := range in.Query {
		sub.Set(k, v)
	}
	exp := c.cfg.Now().Add(ttl)
	p := c.cfg.Presigner.Presign(in.Method, in.Bucket, in.Key, sub, in.ContentType, exp)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return map[string]any{"Path": p, "URL": scheme + "://" + r.Host + p, "Expires": stamp(exp)}, nil
}

// maxBody bounds JSON request bodies.
const maxBody = 256 << 10

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	if err := dec.Decode(v); err != nil {
		return apiErr(http.StatusBadRequest, "InvalidArgument", "the request body is not the expected JSON: %v", err)
	}
	return nil
}
