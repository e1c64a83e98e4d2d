package server

import (
	"mime"
	"path"
	"strings"
)

// mediaTypes are the types OSS assigns to media keys. Go's built-in table
// lacks most of them and /etc/mime.types is missing in slim containers, so
// they are fixed here.
var mediaTypes = map[string]string{
	".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".mkv": "video/x-matroska",
	".webm": "video/webm", ".ts": "video/mp2t", ".flv": "video/x-flv", ".avi": "video/x-msvideo",
	".asf": "video/x-ms-asf", ".mxf": "application/mxf", ".3gp": "video/3gpp", ".m3u8": "application/x-mpegURL",
	".mp3": "audio/mpeg", ".aac": "audio/aac", ".m4a": "audio/mp4", ".flac": "audio/flac", ".wav": "audio/wav",
	".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/opus", ".ac3": "audio/ac3", ".amr": "audio/amr",
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
	".txt": "text/plain", ".json": "application/json", ".xml": "application/xml", ".html": "text/html",
}

// contentTypeFor guesses a key's Content-Type from its extension, as OSS
// does when the uploader sends none.
func contentTypeFor(key string) string {
	ext := strings.ToLower(path.Ext(key))
	if t, ok := mediaTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
