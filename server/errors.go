package server

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/ossemu/ossemu/osserr"
)

// errorBody is OSS's error document. Extra fields (StringToSign, …) are
// written after EC in order.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
	EC        string   `xml:"EC"`
	Extra     []extraField
}

type extraField struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

// writeError is the one place errors reach the wire. *osserr.Error values
// become their status, x-oss-ec header and XML body (or, for HEAD, the
// x-oss-err header both Go SDKs decode); anything else is logged and
// answered as 500 InternalError.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := osserr.As(err)
	if !ok {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return // the client went away; nobody to answer
		}
		s.deps.Logger.ErrorContext(r.Context(), "internal error",
			"method", r.Method, "url", r.URL.String(), "request_id", requestID(w), "err", err)
		e = osserr.New(osserr.InternalError, "we encountered an internal error; please try again")
	}
	body := errorBody{
		Code: e.Code.Name, Message: e.Message, RequestID: requestID(w),
		HostID: r.Host, EC: e.Code.EC,
	}
	for _, f := range e.Extra {
		body.Extra = append(body.Extra, extraField{XMLName: xml.Name{Local: f.Name}, Value: f.Value})
	}
	out, mErr := xml.Marshal(body)
	if mErr != nil {
		out = nil
	}
	doc := append([]byte(xml.Header), out...)
	h := w.Header()
	if e.Code.Status == http.StatusNotModified {
		// 304 keeps the validators (ETag, Last-Modified) and has no body.
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("x-oss-ec", e.Code.EC)
	// Headers set for a success that never happened must not leak.
	for _, k := range []string{"ETag", "Last-Modified", "Content-Range", "Accept-Ranges", "x-oss-hash-crc64ecma"} {
		h.Del(k)
	}
	if r.Method == http.MethodHead {
		h.Set("x-oss-err", base64.StdEncoding.EncodeToString(doc))
		w.WriteHeader(e.Code.Status)
		return
	}
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	w.WriteHeader(e.Code.Status)
	w.Write(doc)
}
