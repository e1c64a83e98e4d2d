package server

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"

	"github.com/ossemu/ossemu/osserr"
)

// maxDeleteObjects is OSS's limit per DeleteMultipleObjects request.
const maxDeleteObjects = 1000

// deleteObject answers 204 whether or not the key existed, as OSS does.
func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	err := s.deps.Storage.DeleteObject(r.Context(), bucket, key)
	if err != nil && !osserr.Is(err, osserr.NoSuchKey) {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key       *string `xml:"Key"`
		VersionID string  `xml:"VersionId"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName      xml.Name `xml:"DeleteResult"`
	EncodingType string   `xml:"EncodingType,omitempty"`
	Deleted      []struct {
		Key string `xml:"Key"`
	} `xml:"Deleted"`
}

// readXMLBody reads a small XML request body whole, checking Content-MD5
// when sent, so a request is parsed completely before anything changes.
func readXMLBody(r *http.Request, limit int64, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if e, ok := osserr.As(err); ok {
		return e // a failed body check (S3 payload hash, checksum, chunk signature)
	}
	if err != nil {
		return osserr.Wrap(osserr.IncompleteBody, err, "could not read the request body")
	}
	if int64(len(data)) > limit {
		return osserr.New(osserr.MalformedXML, "the XML body exceeds %d bytes", limit)
	}
	if r.ContentLength >= 0 && int64(len(data)) != r.ContentLength {
		return osserr.New(osserr.IncompleteBody, "the body has %d bytes but %d were announced", len(data), r.ContentLength)
	}
	if v := r.Header.Get("Content-MD5"); v != "" {
		want, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(want) != md5.Size {
			return osserr.New(osserr.InvalidDigest, "the Content-MD5 %q is not the base64 of a 16-byte MD5", v)
		}
		if got := md5.Sum(data); !bytes.Equal(got[:], want) {
			return osserr.New(osserr.BadDigest, "the Content-MD5 you specified did not match what was received")
		}
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return osserr.Wrap(osserr.MalformedXML, err, "the XML you provided was not well-formed or did not validate: %v", err)
	}
	return nil
}

func (s *Server) deleteMultiple(w http.ResponseWriter, r *http.Request, bucket string, q url.Values) error {
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	var req deleteRequest
	if err := readXMLBody(r, 2<<20, &req); err != nil {
		return err
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteObjects {
		return osserr.New(osserr.MalformedXML, "a Delete request must name 1 to %d objects, got %d", maxDeleteObjects, len(req.Objects))
	}
	for _, o := range req.Objects {
		if o.Key == nil || *o.Key == "" {
			return osserr.New(osserr.MalformedXML, "every Object in a Delete request needs a non-empty Key")
		}
	}
	if _, err := s.deps.Storage.StatBucket(r.Context(), bucket); err != nil {
		return err
	}
	res := deleteResult{EncodingType: enc}
	for _, o := range req.Objects {
		err := s.deps.Storage.DeleteObject(r.Context(), bucket, *o.Key)
		if err != nil && !osserr.Is(err, osserr.NoSuchKey) {
			return err
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, struct {
				Key string `xml:"Key"`
			}{encodeIf(enc, *o.Key)})
		}
	}
	return writeXML(w, http.StatusOK, res)
}
