package server

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage"
)

// ownerID is the fixed owner ossemu reports; there is one account.
const ownerID = "ossemu"

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type bucketXML struct {
	Name             string `xml:"Name"`
	CreationDate     string `xml:"CreationDate"`
	Location         string `xml:"Location"`
	ExtranetEndpoint string `xml:"ExtranetEndpoint"`
	IntranetEndpoint string `xml:"IntranetEndpoint"`
	Region           string `xml:"Region"`
	StorageClass     string `xml:"StorageClass"`
}

type listAllMyBucketsResult struct {
	XMLName     xml.Name    `xml:"ListAllMyBucketsResult"`
	Prefix      string      `xml:"Prefix,omitempty"`
	Marker      string      `xml:"Marker,omitempty"`
	MaxKeys     int         `xml:"MaxKeys,omitempty"`
	IsTruncated bool        `xml:"IsTruncated"`
	NextMarker  string      `xml:"NextMarker,omitempty"`
	Owner       owner       `xml:"Owner"`
	Buckets     []bucketXML `xml:"Buckets>Bucket"`
}

func (s *Server) bucketXML(b storage.Bucket) bucketXML {
	return bucketXML{
		Name: b.Name, CreationDate: isoTime(b.Created), Location: "oss-" + s.cfg.Region,
		ExtranetEndpoint: "oss-" + s.cfg.Region + ".aliyuncs.com",
		IntranetEndpoint: "oss-" + s.cfg.Region + "-internal.aliyuncs.com",
		Region:           s.cfg.Region, StorageClass: "Standard",
	}
}

func (s *Server) listBuckets(w http.ResponseWriter, r *http.Request, q url.Values) error {
	all, err := s.deps.Storage.ListBuckets(r.Context())
	if err != nil {
		return err
	}
	prefix, marker := q.Get("prefix"), q.Get("marker")
	maxKeys, err := intParam(q, "max-keys", 1000, 1, 1000)
	if err != nil {
		return err
	}
	res := listAllMyBucketsResult{Prefix: prefix, Marker: marker, Owner: owner{ownerID, ownerID}}
	if q.Has("max-keys") {
		res.MaxKeys = maxKeys
	}
	for _, b := range all {
		if !strings.HasPrefix(b.Name, prefix) || b.Name <= marker {
			continue
		}
		if len(res.Buckets) == maxKeys {
			res.IsTruncated = true
			res.NextMarker = res.Buckets[len(res.Buckets)-1].Name
			break
		}
		res.Buckets = append(res.Buckets, s.bucketXML(b))
	}
	return writeXML(w, http.StatusOK, res)
}

// putBucket creates a bucket. Creating a bucket you already own succeeds,
// as on OSS; the optional CreateBucketConfiguration body is read and ignored
// (there is one storage class and no redundancy choice here).
func (s *Server) putBucket(w http.ResponseWriter, r *http.Request, bucket string) error {
	io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
	err := s.deps.Storage.CreateBucket(r.Context(), bucket)
	if err != nil && !osserr.Is(err, osserr.BucketAlreadyExists) {
		return err
	}
	w.Header().Set("Location", "/"+bucket)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) deleteBucket(w http.ResponseWriter, r *http.Request, bucket string) error {
	if err := s.deps.Storage.DeleteBucket(r.Context(), bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) getBucketLocation(w http.ResponseWriter, r *http.Request, bucket string) error {
	if _, err := s.deps.Storage.StatBucket(r.Context(), bucket); err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, struct {
		XMLName xml.Name `xml:"LocationConstraint"`
		Value   string   `xml:",chardata"`
	}{Value: "oss-" + s.cfg.Region})
}

type bucketInfoXML struct {
	bucketXML
	Owner             owner  `xml:"Owner"`
	AccessControlList string `xml:"AccessControlList>Grant"`
	DataRedundancy    string `xml:"DataRedundancyType"`
	Versioning        string `xml:"Versioning,omitempty"`
}

func (s *Server) getBucketInfo(w http.ResponseWriter, r *http.Request, bucket string) error {
	b, err := s.deps.Storage.StatBucket(r.Context(), bucket)
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, struct {
		XMLName xml.Name      `xml:"BucketInfo"`
		Bucket  bucketInfoXML `xml:"Bucket"`
	}{Bucket: bucketInfoXML{
		bucketXML: s.bucketXML(b), Owner: owner{ownerID, ownerID},
		AccessControlList: "private", DataRedundancy: "LRS",
	}})
}

// statACLTarget checks that the bucket (key "") or object an ACL request
// addresses exists.
func (s *Server) statACLTarget(r *http.Request, bucket, key string) error {
	var err error
	if key == "" {
		_, err = s.deps.Storage.StatBucket(r.Context(), bucket)
	} else {
		_, err = s.deps.Storage.StatObject(r.Context(), bucket, key)
	}
	return err
}

// getACL reports the only ACL ossemu has: private, owned by the one account.
func (s *Server) getACL(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if err := s.statACLTarget(r, bucket, key); err != nil {
		return err
	}
	if auth.S3Signed(r) {
		return writeS3ACL(w)
	}
	grant := "private"
	if key != "" {
		grant = "default"
	}
	return writeXML(w, http.StatusOK, struct {
		XMLName xml.Name `xml:"AccessControlPolicy"`
		Owner   owner    `xml:"Owner"`
		Grant   string   `xml:"AccessControlList>Grant"`
	}{Owner: owner{ownerID, ownerID}, Grant: grant})
}

// putACL accepts an ACL change and ignores it: ossemu has one account and
// no public access, so every bucket and object stays private. Accepting it
// keeps setup code that sets ACLs working.
func (s *Server) putACL(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if err := s.statACLTarget(r, bucket, key); err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
	w.WriteHeader(http.StatusOK)
	return nil
}

// intParam parses an optional integer query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, osserr.New(osserr.InvalidArgument, "%s must be an integer in [%d, %d], got %q", name, lo, hi, v).
			With("ArgumentName", name).With("ArgumentValue", v)
	}
	return n, nil
}
