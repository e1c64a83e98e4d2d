package server

import (
	"encoding/xml"
	"net/http"
	"net/url"

	"github.com/ossemu/ossemu/storage"
)

type listPartsResult struct {
	XMLName              xml.Name  `xml:"ListPartsResult"`
	EncodingType         string    `xml:"EncodingType,omitempty"`
	Bucket               string    `xml:"Bucket"`
	Key                  string    `xml:"Key"`
	UploadID             string    `xml:"UploadId"`
	PartNumberMarker     int       `xml:"PartNumberMarker"`
	NextPartNumberMarker int       `xml:"NextPartNumberMarker"`
	MaxParts             int       `xml:"MaxParts"`
	IsTruncated          bool      `xml:"IsTruncated"`
	Parts                []partXML `xml:"Part"`
}

type partXML struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	HashCrc64    uint64 `xml:"HashCrc64ecma"`
	Size         int64  `xml:"Size"`
}

func (s *Server) listParts(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	mp, id, err := s.uploadTarget(q)
	if err != nil {
		return err
	}
	maxParts, err := intParam(q, "max-parts", 1000, 1, 1000)
	if err != nil {
		return err
	}
	marker, err := intParam(q, "part-number-marker", 0, 0, storage.MaxPartNumber)
	if err != nil {
		return err
	}
	page, err := mp.ListParts(r.Context(), bucket, key, id, storage.PartListOptions{PartNumberMarker: marker, MaxParts: maxParts})
	if err != nil {
		return err
	}
	res := listPartsResult{EncodingType: enc, Bucket: bucket, Key: encodeIf(enc, key), UploadID: id,
		PartNumberMarker: marker, NextPartNumberMarker: page.NextPartNumberMarker, MaxParts: maxParts, IsTruncated: page.IsTruncated}
	for _, p := range page.Parts {
		res.Parts = append(res.Parts, partXML{p.PartNumber, isoTime(p.LastModified), quoteETag(p.ETag), p.CRC64, p.Size})
	}
	return writeXML(w, http.StatusOK, res)
}

type uploadXML struct {
	Key       string `xml:"Key"`
	UploadID  string `xml:"UploadId"`
	Initiated string `xml:"Initiated"`
}

type listUploadsResult struct {
	XMLName            xml.Name    `xml:"ListMultipartUploadsResult"`
	EncodingType       string      `xml:"EncodingType,omitempty"`
	Bucket             string      `xml:"Bucket"`
	KeyMarker          string      `xml:"KeyMarker"`
	UploadIDMarker     string      `xml:"UploadIdMarker"`
	NextKeyMarker      string      `xml:"NextKeyMarker"`
	NextUploadIDMarker string      `xml:"NextUploadIdMarker"`
	Delimiter          string      `xml:"Delimiter"`
	Prefix             string      `xml:"Prefix"`
	MaxUploads         int         `xml:"MaxUploads"`
	IsTruncated        bool        `xml:"IsTruncated"`
	Uploads            []uploadXML `xml:"Upload"`
	CommonPrefixes     []prefixXML `xml:"CommonPrefixes"`
}

func (s *Server) listUploads(w http.ResponseWriter, r *http.Request, bucket string, q url.Values) error {
	mp, err := s.multipart()
	if err != nil {
		return err
	}
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	maxUploads, err := intParam(q, "max-uploads", 1000, 1, 1000)
	if err != nil {
		return err
	}
	opts := storage.UploadListOptions{Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		KeyMarker: q.Get("key-marker"), UploadIDMarker: q.Get("upload-id-marker"), MaxUploads: maxUploads}
	page, err := mp.ListUploads(r.Context(), bucket, opts)
	if err != nil {
		return err
	}
	res := listUploadsResult{EncodingType: enc, Bucket: bucket, KeyMarker: encodeIf(enc, opts.KeyMarker),
		UploadIDMarker: opts.UploadIDMarker, NextKeyMarker: encodeIf(enc, page.NextKeyMarker),
		NextUploadIDMarker: page.NextUploadIDMarker, Delimiter: encodeIf(enc, opts.Delimiter),
		Prefix: encodeIf(enc, opts.Prefix), MaxUploads: maxUploads, IsTruncated: page.IsTruncated}
	for _, u := range page.Uploads {
		res.Uploads = append(res.Uploads, uploadXML{encodeIf(enc, u.Key), u.UploadID, isoTime(u.Initiated)})
	}
	for _, p := range page.CommonPrefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, prefixXML{encodeIf(enc, p)})
	}
	return writeXML(w, http.StatusOK, res)
}
