// Package files is a read-only storage.Backend over local files named by
// the caller: one bucket whose objects are existing files, each under the
// key it was given. `emulator process` hands it to the media engines, so
// they read a user's files in place (libav opens them by path, as with
// storage/local) without copying multi-gigabyte inputs into a data
// directory. Every write is refused with AccessDenied.
package files

import (
	"context"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// Backend is the read-only store; it is safe for concurrent use (it never
// changes after New).
type Backend struct {
	bucket  string
	created time.Time
	paths   map[string]string // key → file path
}

var (
	_ storage.Backend     = (*Backend)(nil)
	_ storage.LocalPather = (*Backend)(nil)
)

// New returns a store whose bucket holds objects: key → local file path.
// The files are only opened when read, so a missing file is NoSuchKey then.
func New(bucket string, objects map[string]string) *Backend {
	paths := make(map[string]string, len(objects))
	for k, p := range objects {
		paths[k] = p
	}
	return &Backend{bucket: bucket, created: time.Now().UTC(), paths: paths}
}

func readOnly(op string) error {
	return osserr.New(osserr.AccessDenied, "%s: this store holds local input files and is read-only", op)
}

// CreateBucket refuses: the store is read-only.
func (b *Backend) CreateBucket(context.Context, string) error { return readOnly("CreateBucket") }

// DeleteBucket refuses: the store is read-only.
func (b *Backend) DeleteBucket(context.Context, string) error { return readOnly("DeleteBucket") }

// PutObject refuses: the store is read-only.
func (b *Backend) PutObject(context.Context, string, string, io.Reader, storage.PutOptions) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, readOnly("PutObject")
}

// DeleteObject refuses: the store is read-only.
func (b *Backend) DeleteObject(context.Context, string, string) error {
	return readOnly("DeleteObject")
}

// ListBuckets lists the one bucket.
func (b *Backend) ListBuckets(context.Context) ([]storage.Bucket, error) {
	return []storage.Bucket{{Name: b.bucket, Created: b.created}}, nil
}

// StatBucket describes the one bucket; any other is NoSuchBucket.
func (b *Backend) StatBucket(_ context.Context, bucket string) (storage.Bucket, error) {
	if bucket != b.bucket {
		return storage.Bucket{}, noBucket(bucket)
	}
	return storage.Bucket{Name: b.bucket, Created: b.created}, nil
}

func noBucket(bucket string) error {
	return osserr.New(osserr.NoSuchBucket, "The specified bucket does not exist: %s", bucket).With("BucketName", bucket)
}

// path is the file behind bucket/key, or NoSuchBucket / NoSuchKey.
func (b *Backend) path(bucket, key string) (string, error) {
	if bucket != b.bucket {
		return "", noBucket(bucket)
	}
	p, ok := b.paths[key]
	if !ok {
		return "", noKey(key)
	}
	return p, nil
}

func noKey(key string) error {
	return osserr.New(osserr.NoSuchKey, "The specified key does not exist: %s", key).With("Key", key)
}

// info stats the file behind key: a missing file or a directory is
// NoSuchKey, naming the path so the user sees which file it is.
func (b *Backend) info(bucket, key string) (storage.ObjectInfo, string, error) {
	p, err := b.path(bucket, key)
	if err != nil {
		return storage.ObjectInfo{}, "", err
	}
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return storage.ObjectInfo{}, "", osserr.New(osserr.NoSuchKey, "The specified key does not exist: %s (file %s is not a readable file)", key, p).With("Key", key)
	}
	return storage.ObjectInfo{Bucket: bucket, Key: key, Size: st.Size(), LastModified: st.ModTime().UTC()}, p, nil
}

// StatObject reports the file's size and modification time.
func (b *Backend) StatObject(_ context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, _, err := b.info(bucket, key)
	return info, err
}

// LocalPath implements storage.LocalPather: libav reads the file itself.
func (b *Backend) LocalPath(_ context.Context, bucket, key string) (string, error) {
	_, p, err := b.info(bucket, key)
	return p, err
}

// object is an open file with its info.
type object struct {
	*os.File
	info storage.ObjectInfo
}

func (o object) Info() storage.ObjectInfo { return o.info }

// GetObject opens the file.
func (b *Backend) GetObject(_ context.Context, bucket, key string) (storage.Object, error) {
	info, p, err := b.info(bucket, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, osserr.New(osserr.NoSuchKey, "The specified key does not exist: %s (%v)", key, err).With("Key", key)
	}
	return object{f, info}, nil
}

// ListObjects lists the keys in order, with prefix, delimiter, marker and
// MaxKeys as storage.ListOptions define them.
func (b *Backend) ListObjects(_ context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	if bucket != b.bucket {
		return storage.ListPage{}, noBucket(bucket)
	}
	keys := make([]string, 0, len(b.paths))
	for k := range b.paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	limit := opts.MaxKeys
	if limit <= 0 {
		limit = 1000
	}
	var page storage.ListPage
	seen := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, opts.Prefix) || k <= opts.Marker {
			continue
		}
		entry := k
		if opts.Delimiter != "" {
			if i := strings.Index(k[len(opts.Prefix):], opts.Delimiter); i >= 0 {
				entry = k[:len(opts.Prefix)+i+len(opts.Delimiter)]
				if seen[entry] || entry <= opts.Marker {
					continue
				}
			}
		}
		if len(page.Objects)+len(page.CommonPrefixes) == limit {
			page.IsTruncated = true
			break
		}
		if entry != k {
			seen[entry] = true
			page.CommonPrefixes = append(page.CommonPrefixes, entry)
			page.NextMarker = entry
			continue
		}
		info, _, err := b.info(bucket, k)
		if err != nil {
			continue // a named file that is missing is simply absent
		}
		page.Objects = append(page.Objects, info)
		page.NextMarker = entry
	}
	if !page.IsTruncated {
		page.NextMarker = ""
	}
	return page, nil
}
