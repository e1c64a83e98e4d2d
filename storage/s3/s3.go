// Package s3 keeps ossemu's objects in any S3-compatible store (MinIO, Ceph
// RGW, versitygw, AWS S3) so the emulator can sit in front of existing object
// storage. OSS buckets map one to one onto S3 buckets (optionally prefixed);
// the OSS facts S3 cannot hold natively (CRC-64/ECMA, the OSS ETag, extra
// stored headers) ride along as x-amz-meta-ossemu-* metadata, so objects stay
// ordinary S3 objects that other S3 clients can read.
package s3

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// Defaults for Config's tuning fields.
const (
	DefaultRegion    = "us-east-1"
	DefaultPartSize  = 8 << 20
	DefaultReadAhead = 1 << 20
	// DefaultSpoolMemory is how much of one uploaded part is kept in memory
	// before the rest spills to a temporary file.
	DefaultSpoolMemory = 16 << 20
	DefaultBackfillMax = 1 << 30
)

// Config says where the S3 store is and how to talk to it.
type Config struct {
	Endpoint        string // e.g. http://127.0.0.1:9000; empty means AWS
	Region          string
	AccessKeyID     string
	SecretAccessKey string
	// BucketPrefix is prepended to every OSS bucket name to form the S3
	// bucket name, so ossemu can share a store with other users.
	BucketPrefix string
	// PathStyle addresses buckets as http://host/bucket (MinIO, Ceph and
	// most self-hosted stores need it).
	PathStyle bool
	// PartSize is the size of the parts a streamed PutObject is cut into;
	// it bounds the memory one upload holds.
	PartSize int64
	// ReadAhead is how many bytes one ranged GET fetches ahead of a reader,
	// so libav's small reads do not each cost a request.
	ReadAhead int
	// SpoolMemory bounds the in-memory part of a spooled UploadPart body.
	SpoolMemory int64
	// TempDir receives spooled part bodies; empty means os.TempDir().
	TempDir string
	// BackfillMax is the largest object written by another S3 client whose
	// CRC-64 is computed and recorded on first access (see backfill).
	BackfillMax int64
	// HTTPClient overrides the SDK's default client (tests, proxies).
	HTTPClient *http.Client
	// Logger receives warnings about failures that do not fail a request;
	// nil means slog.Default().
	Logger *slog.Logger
}

// WithDefaults fills the zero tuning fields.
func (c Config) WithDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.PartSize == 0 {
		c.PartSize = DefaultPartSize
	}
	if c.ReadAhead == 0 {
		c.ReadAhead = DefaultReadAhead
	}
	if c.SpoolMemory == 0 {
		c.SpoolMemory = DefaultSpoolMemory
	}
	if c.BackfillMax == 0 {
		c.BackfillMax = DefaultBackfillMax
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.TempDir == "" {
		c.TempDir = os.TempDir()
	}
	return c
}

// Validate reports configuration mistakes before any request is made.
func (c Config) Validate() error {
	var errs []error
	if c.Endpoint != "" {
		if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--s3-endpoint %q: want http(s)://host[:port]", c.Endpoint))
		}
	}
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		errs = append(errs, errors.New("--s3-access-key-id and --s3-secret-access-key must be set together"))
	}
	// S3 parts other than the last must hold at least 5 MiB.
	if c.PartSize != 0 && (c.PartSize < 5<<20 || c.PartSize > 5<<30) {
		errs = append(errs, fmt.Errorf("S3 part size %d is outside 5 MiB..5 GiB", c.PartSize))
	}
	if c.ReadAhead < 0 || c.SpoolMemory < 0 {
		errs = append(errs, errors.New("S3 read-ahead and spool sizes must not be negative"))
	}
	if len(c.BucketPrefix) > 60 {
		errs = append(errs, fmt.Errorf("--s3-bucket-prefix %q leaves no room for bucket names", c.BucketPrefix))
	}
	return errors.Join(errs...)
}

// Backend is a storage.Backend and storage.Multipart over S3.
type Backend struct {
	cfg    Config
	client *awss3.Client

	// partSums remembers the CRC-64 of parts uploaded through this process
	// (S3 cannot store it per part), so CompleteUpload can combine them
	// instead of reading the object back. Keyed by upload id.
	mu       sync.Mutex
	partSums map[string]map[int]partSum
}

type partSum struct {
	etag string
	size int64
	crc  uint64
}

var (
	_ storage.Backend   = (*Backend)(nil)
	_ storage.Multipart = (*Backend)(nil)
)

// New builds a backend; it makes no request, so an unreachable store shows
// up as transient errors on use rather than a failed start.
func New(cfg Config) (*Backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	opts := awss3.Options{
		Region:       cfg.Region,
		UsePathStyle: cfg.PathStyle,
		// Third-party stores differ in their support for the SDK's
		// default flexible checksums (aws-chunked trailers); ossemu checks
		// integrity itself with MD5 and CRC-64.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		RetryMaxAttempts:           3,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.AccessKeyID != "" {
		opts.Credentials = credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")
	} else {
		opts.Credentials = aws.AnonymousCredentials{}
	}
	if cfg.HTTPClient != nil {
		opts.HTTPClient = cfg.HTTPClient
	}
	return &Backend{cfg: cfg, client: awss3.New(opts), partSums: map[string]map[int]partSum{}}, nil
}

// s3Bucket names the S3 bucket holding OSS bucket b.
func (b *Backend) s3Bucket(bucket string) *string { return aws.String(b.cfg.BucketPrefix + bucket) }

// checkBucket refuses names OSS refuses, before S3 sees them.
func (b *Backend) checkBucket(bucket string) error {
	if err := storage.ValidateBucketName(bucket); err != nil {
		return err
	}
	if len(b.cfg.BucketPrefix)+len(bucket) > 63 {
		return osserr.New(osserr.InvalidBucketName, "the bucket name %q is too long once prefixed with %q", bucket, b.cfg.BucketPrefix)
	}
	return nil
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
