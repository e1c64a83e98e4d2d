package server

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// encodingType validates encoding-type; "url" is the only value OSS knows.
func encodingType(q url.Values) (string, error) {
	v := q.Get("encoding-type")
	if v != "" && v != "url" {
		return "", osserr.New(osserr.InvalidArgument, "encoding-type must be \"url\", got %q", v).
			With("ArgumentName", "encoding-type").With("ArgumentValue", v)
	}
	return v, nil
}

// urlEncode percent-encodes everything but RFC 3986 unreserved characters.
// Both Go SDKs decode with url.QueryUnescape and ali-oss with
// decodeURIComponent; %20 and %2F suit all of them.
func urlEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		const hexd = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

func encodeIf(enc, s string) string {
	if enc == "url" {
		return urlEncode(s)
	}
	return s
}

type contentXML struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Type         string `xml:"Type"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        *owner `xml:"Owner,omitempty"`
}

type prefixXML struct {
	Prefix string `xml:"Prefix"`
}

// listResult serves both ListObjects versions; the fields of the other
// version are omitted when empty.
type listResult struct {
	XMLName               xml.Name     `xml:"ListBucketResult"`
	Name                  string       `xml:"Name"`
	Prefix                string       `xml:"Prefix"`
	Marker                *string      `xml:"Marker,omitempty"`
	StartAfter            string       `xml:"StartAfter,omitempty"`
	ContinuationToken     string       `xml:"ContinuationToken,omitempty"`
	MaxKeys               int          `xml:"MaxKeys"`
	Delimiter             string       `xml:"Delimiter"`
	EncodingType          string       `xml:"EncodingType,omitempty"`
	IsTruncated           bool         `xml:"IsTruncated"`
	NextMarker            string       `xml:"NextMarker,omitempty"`
	NextContinuationToken string       `xml:"NextContinuationToken,omitempty"`
	KeyCount              *int         `xml:"KeyCount,omitempty"`
	Contents              []contentXML `xml:"Contents"`
	CommonPrefixes        []prefixXML  `xml:"CommonPrefixes"`
}

// Continuation tokens are the marker, base64url-encoded so they are opaque
// and need no escaping.
func encodeToken(marker string) string { return base64.RawURLEncoding.EncodeToString([]byte(marker)) }

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(tok, "="))
	if err != nil {
		return "", osserr.New(osserr.InvalidArgument, "the continuation-token %q is not one ossemu issued", tok).
			With("ArgumentName", "continuation-token").With("ArgumentValue", tok)
	}
	return string(b), nil
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request, bucket string, q url.Values, v2 bool) error {
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	maxKeys, err := intParam(q, "max-keys", 100, 1, 1000)
	if err != nil {
		return err
	}
	opts := storage.ListOptions{Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"), MaxKeys: maxKeys}
	res := listResult{Name: bucket, Prefix: encodeIf(enc, opts.Prefix), MaxKeys: maxKeys,
		Delimiter: encodeIf(enc, opts.Delimiter), EncodingType: enc}
	withOwner := !v2 || q.Get("fetch-owner") == "true"
	if v2 {
		opts.Marker = q.Get("start-after")
		res.StartAfter = encodeIf(enc, opts.Marker)
		if tok := q.Get("continuation-token"); tok != "" {
			if opts.Marker, err = decodeToken(tok); err != nil {
				return err
			}
			res.ContinuationToken = tok
		}
	} else {
		opts.Marker = q.Get("marker")
		m := encodeIf(enc, opts.Marker)
		res.Marker = &m
	}
	page, err := s.deps.Storage.ListObjects(r.Context(), bucket, opts)
	if err != nil {
		return err
	}
	res.IsTruncated = page.IsTruncated
	if page.IsTruncated {
		if v2 {
			res.NextContinuationToken = encodeToken(page.NextMarker)
		} else {
			res.NextMarker = encodeIf(enc, page.NextMarker)
		}
	}
	for _, o := range page.Objects {
		c := contentXML{Key: encodeIf(enc, o.Key), LastModified: isoTime(o.LastModified), ETag: quoteETag(o.ETag),
			Type: "Normal", Size: o.Size, StorageClass: "Standard"}
		switch {
		case o.PartCount > 0:
			c.Type = "Multipart"
		case o.Headers[appendableHeader] != "":
			c.Type = "Appendable"
		}
		if withOwner {
			c.Owner = &owner{ownerID, ownerID}
		}
		res.Contents = append(res.Contents, c)
	}
	for _, p := range page.CommonPrefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, prefixXML{encodeIf(enc, p)})
	}
	if v2 {
		n := len(res.Contents) + len(res.CommonPrefixes)
		res.KeyCount = &n
	}
	return writeXML(w, http.StatusOK, res)
}
