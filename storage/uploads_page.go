package storage

import "strings"

// DefaultMaxUploads is the page size ListMultipartUploads uses when the
// client names none (OSS's max-uploads default).
const DefaultMaxUploads = 1000

// CommonPrefix returns the common prefix key rolls up into under prefix and
// delim (the key up to and including the first delim after prefix), or ""
// when delim is empty, key is outside prefix, or no delim follows it.
func CommonPrefix(key, prefix, delim string) string {
	if delim == "" || !strings.HasPrefix(key, prefix) {
		return ""
	}
	if i := strings.Index(key[len(prefix):], delim); i >= 0 {
		return key[:len(prefix)+i+len(delim)]
	}
	return ""
}

// UploadPager cuts one ListMultipartUploads page out of uploads fed to it in
// (key, upload id) order, so every backend pages, rolls up common prefixes
// and sets the next markers the same way whatever its store can filter.
type UploadPager struct {
	opts   UploadListOptions
	max    int
	count  int
	lastCP string
	page   UploadPage
}

// NewUploadPager starts a page for opts; MaxUploads <= 0 means
// DefaultMaxUploads.
func NewUploadPager(opts UploadListOptions) *UploadPager {
	p := &UploadPager{opts: opts, max: opts.MaxUploads}
	if p.max <= 0 {
		p.max = DefaultMaxUploads
	}
	// A key marker under a common prefix means the previous page already
	// reported that prefix.
	p.lastCP = CommonPrefix(opts.KeyMarker, opts.Prefix, opts.Delimiter)
	return p
}

// Add offers the next upload. Uploads outside the prefix or not strictly
// after (KeyMarker, UploadIDMarker) are skipped; without an upload id marker
// every upload of KeyMarker is skipped. Uploads under a common prefix count
// once, as the prefix. Add reports false when the page is full (the page is
// then truncated): the caller should stop feeding.
func (p *UploadPager) Add(up Upload) bool {
	o := p.opts
	if !strings.HasPrefix(up.Key, o.Prefix) {
		return true
	}
	if o.KeyMarker != "" && (up.Key < o.KeyMarker ||
		(up.Key == o.KeyMarker && (o.UploadIDMarker == "" || up.UploadID <= o.UploadIDMarker))) {
		return true
	}
	cp := CommonPrefix(up.Key, o.Prefix, o.Delimiter)
	if cp != "" && cp == p.lastCP {
		return true
	}
	if p.count == p.max {
		p.page.IsTruncated = true
		return false
	}
	p.count++
	if cp != "" {
		p.lastCP = cp
		p.page.CommonPrefixes = append(p.page.CommonPrefixes, cp)
		p.page.NextKeyMarker, p.page.NextUploadIDMarker = cp, ""
		return true
	}
	p.page.Uploads = append(p.page.Uploads, up)
	p.page.NextKeyMarker, p.page.NextUploadIDMarker = up.Key, up.UploadID
	return true
}

// Page returns the page so far; the next markers are only set when it is
// truncated.
func (p *UploadPager) Page() UploadPage {
	page := p.page
	if !page.IsTruncated {
		page.NextKeyMarker, page.NextUploadIDMarker = "", ""
	}
	return page
}
