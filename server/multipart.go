package server

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

func (s *Server) multipart() (storage.Multipart, error) {
	mp, ok := s.deps.Storage.(storage.Multipart)
	if !ok {
		return nil, osserr.New(osserr.NotImplemented, "this storage backend does not support multipart uploads")
	}
	return mp, nil
}

func uploadIDParam(q url.Values) (string, error) {
	id := q.Get("uploadId")
	if id == "" {
		return "", osserr.New(osserr.InvalidArgument, "uploadId must not be empty").With("ArgumentName", "uploadId")
	}
	return id, nil
}

// uploadTarget reads the backend and uploadId of a request on an existing
// upload.
func (s *Server) uploadTarget(q url.Values) (storage.Multipart, string, error) {
	mp, err := s.multipart()
	if err != nil {
		return nil, "", err
	}
	id, err := uploadIDParam(q)
	if err != nil {
		return nil, "", err
	}
	return mp, id, nil
}

// partTarget reads the backend, uploadId and partNumber of a part request.
func (s *Server) partTarget(q url.Values) (storage.Multipart, string, int, error) {
	mp, id, err := s.uploadTarget(q)
	if err != nil {
		return nil, "", 0, err
	}
	if !q.Has("partNumber") {
		return nil, "", 0, osserr.New(osserr.MissingArgument, "partNumber is required").With("ArgumentName", "partNumber")
	}
	n, err := intParam(q, "partNumber", 0, 1, storage.MaxPartNumber)
	if err != nil {
		return nil, "", 0, err
	}
	return mp, id, n, nil
}

type initiateResult struct {
	XMLName      xml.Name `xml:"InitiateMultipartUploadResult"`
	EncodingType string   `xml:"EncodingType,omitempty"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	UploadID     string   `xml:"UploadId"`
}

func (s *Server) initiateUpload(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	mp, err := s.multipart()
	if err != nil {
		return err
	}
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	if err := storage.ValidateObjectKey(key); err != nil {
		return err
	}
	opts, err := putOptions(r, key)
	if err != nil {
		return err
	}
	up, err := mp.InitiateUpload(r.Context(), bucket, key, opts)
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, initiateResult{EncodingType: enc, Bucket: bucket, Key: encodeIf(enc, key), UploadID: up.UploadID})
}

func (s *Server) uploadPart(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	mp, id, n, err := s.partTarget(q)
	if err != nil {
		return err
	}
	opts, err := putOptions(r, key)
	if err != nil {
		return err
	}
	body, err := s.limitBody(w, r)
	if err != nil {
		return err
	}
	part, err := mp.UploadPart(r.Context(), bucket, key, id, n, body, storage.PutOptions{Size: opts.Size, ContentMD5: opts.ContentMD5})
	if err != nil {
		return err
	}
	writeWriteHeaders(w, storage.ObjectInfo{ETag: part.ETag, CRC64: part.CRC64})
	w.WriteHeader(http.StatusOK)
	return nil
}

type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResult struct {
	XMLName      xml.Name `xml:"CompleteMultipartUploadResult"`
	EncodingType string   `xml:"EncodingType,omitempty"`
	Location     string   `xml:"Location"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	ETag         string   `xml:"ETag"`
}

// completeUpload assembles the listed parts, or with "x-oss-complete-all:
// yes" (v2's option) every uploaded part in order.
func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	mp, id, err := s.uploadTarget(q)
	if err != nil {
		return err
	}
	var parts []storage.CompletePart
	if r.Header.Get("x-oss-complete-all") == "yes" {
		page, err := mp.ListParts(r.Context(), bucket, key, id, storage.PartListOptions{MaxParts: storage.MaxPartNumber})
		if err != nil {
			return err
		}
		for _, p := range page.Parts {
			parts = append(parts, storage.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
		}
	} else {
		var req completeRequest
		if err := readXMLBody(r, 4<<20, &req); err != nil {
			return err
		}
		if len(req.Parts) == 0 {
			return osserr.New(osserr.MalformedXML, "CompleteMultipartUpload lists no parts")
		}
		for _, p := range req.Parts {
			parts = append(parts, storage.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
		}
	}
	info, err := mp.CompleteUpload(r.Context(), bucket, key, id, parts)
	if err != nil {
		return err
	}
	// OSS sends the new object's ETag as a header too, not only in the
	// body: Python oss2 reads the header for its PutObjectResult.etag.
	w.Header().Set("ETag", quoteETag(info.ETag))
	w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(info.CRC64, 10))
	return writeXML(w, http.StatusOK, completeResult{
		EncodingType: enc, Location: "http://" + r.Host + "/" + bucket + "/" + key,
		Bucket: bucket, Key: encodeIf(enc, key), ETag: quoteETag(info.ETag),
	})
}

func (s *Server) abortUpload(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	mp, id, err := s.uploadTarget(q)
	if err != nil {
		return err
	}
	if err := mp.AbortUpload(r.Context(), bucket, key, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
