package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/local"
	"github.com/ossemu/ossemu/storage/s3"
)

// Storage backends --storage selects.
const (
	StorageLocal = "local"
	StorageS3    = "s3"
)

// StorageSelect chooses the object store: the local directory (default) or
// an S3-compatible service. --data-dir is used by both: it also holds the
// task database.
type StorageSelect struct {
	Kind string
	S3   s3.Config
}

func (c *Config) bindStorageSelect(b *binder) {
	b.String(&c.Select.Kind, "storage", StorageLocal, "object store: local (files under --data-dir) or s3 (an S3-compatible service: MinIO, Ceph, AWS…)")
	b.String(&c.Select.S3.Endpoint, "s3-endpoint", "", "S3 endpoint URL, e.g. http://127.0.0.1:9000 (empty: AWS S3)")
	b.String(&c.Select.S3.Region, "s3-region", s3.DefaultRegion, "S3 region (signing scope; new buckets get it as their location)")
	b.String(&c.Select.S3.AccessKeyID, "s3-access-key-id", "", "S3 access key id (empty with the secret: anonymous requests)")
	b.String(&c.Select.S3.SecretAccessKey, "s3-secret-access-key", "", "S3 secret access key")
	b.String(&c.Select.S3.BucketPrefix, "s3-bucket-prefix", "", "prefix added to every OSS bucket name to form the S3 bucket name")
	b.Bool(&c.Select.S3.PathStyle, "s3-path-style", true, "address S3 buckets by path (http://host/bucket), as MinIO and Ceph need")
}

func (s StorageSelect) Validate() error {
	switch s.Kind {
	case StorageLocal:
		return nil
	case StorageS3:
		return s.S3.Validate()
	}
	return fmt.Errorf("--storage %q: use %s or %s", s.Kind, StorageLocal, StorageS3)
}

// openStorage opens the selected backend; the returned func releases it.
func openStorage(ctx context.Context, cfg Config, logger *slog.Logger) (storage.Backend, func() error, error) {
	if cfg.Select.Kind == StorageS3 {
		s3cfg := cfg.Select.S3
		s3cfg.Logger = logger
		b, err := s3.New(s3cfg)
		if err != nil {
			return nil, nil, err
		}
		// Fail at start, not on the first request, when the store is
		// unreachable or refuses the credentials.
		if _, err := b.ListBuckets(ctx); err != nil {
			return nil, nil, fmt.Errorf("S3 storage at %q: %w", cfg.Select.S3.Endpoint, err)
		}
		return b, func() error { return nil }, nil
	}
	lc := cfg.Storage
	lc.Logger = logger
	st, err := local.Open(ctx, lc)
	if err != nil {
		return nil, nil, err
	}
	return st, st.Close, nil
}
