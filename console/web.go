package console

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

// web holds the single-page application: plain HTML, CSS and JavaScript
// modules, no build step and nothing fetched from elsewhere at run time.
//
//go:embed web
var web embed.FS

// webFiles is web/ as the root of the static file server.
func webFiles() fs.FS {
	sub, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded tree always has web/
	}
	return sub
}

// static serves web/ under <prefix>static/. The files change only with the
// binary, so browsers revalidate each load rather than caching blindly.
func (c *Console) static() http.Handler {
	files := http.StripPrefix(c.cfg.Prefix+"static/", http.FileServerFS(webFiles()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// index serves the application shell with the prefix filled in.
func (c *Console) index(w http.ResponseWriter, r *http.Request) {
	page, err := fs.ReadFile(webFiles(), "index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	page = bytes.ReplaceAll(page, []byte("{{PREFIX}}"), []byte(template.HTMLEscapeString(c.cfg.Prefix)))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}

// loginTemplate is the sign-in form; its style is inline (with a nonce the
// page's policy names) because nothing else is served before signing in.
var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Sign in · ossemu console</title>
<style nonce="{{.Nonce}}">{{.Style}}</style></head>
<body class="login-page"><main class="login-card" aria-labelledby="login-title">
<h1 id="login-title"><span class="brand-mark" aria-hidden="true">◆</span> ossemu console</h1>
<p class="muted">Sign in with the emulator's AccessKey pair (<code>--access-key-id</code>, <code>--access-key-secret</code>).</p>
{{if .Error}}<p class="alert" role="alert" id="login-error">{{.Error}}</p>{{end}}
<form method="post" action="{{.Prefix}}login">
<input type="hidden" name="next" value="{{.Next}}">
<label for="access_key_id">AccessKey ID</label>
<input id="access_key_id" name="access_key_id" autocomplete="username" required autofocus{{if .Error}} aria-describedby="login-error"{{end}}>
<label for="access_key_secret">AccessKey secret</label>
<input id="access_key_secret" name="access_key_secret" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form></main></body></html>`))

// loginStyle is the part of app.css the login page needs.
func loginStyle() template.CSS {
	css, err := fs.ReadFile(webFiles(), "login.css")
	if err != nil {
		return ""
	}
	return template.CSS(css) //nolint:gosec // our own embedded file
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.renderLogin(w, http.StatusOK, r.URL.Query().Get("next"), "")
}

func (c *Console) renderLogin(w http.ResponseWriter, status int, next, msg string) {
	nonceBytes := make([]byte, 16)
	_, _ = rand.Read(nonceBytes)
	nonce := base64.RawURLEncoding.EncodeToString(nonceBytes)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginTemplate.Execute(w, map[string]any{
		"Nonce": nonce, "Style": loginStyle(), "Prefix": c.cfg.Prefix, "Next": c.safeNext(next), "Error": msg,
	})
}

// urlQueryEscape escapes a value for a query string.
func urlQueryEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
