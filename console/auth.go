package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cookieName is the session cookie. Its value is
// "<expiry unix seconds>.<random nonce>.<HMAC-SHA256 of both>", base64url:
// the server keeps no session table, and a cookie cannot be forged or
// extended without the key, which is derived from the secret.
const cookieName = "ossemu_console"

// csrfHeader must accompany every state-changing API call made with the
// cookie: a cross-site page can make a browser send the cookie (SameSite
// stops most of that) but cannot add a custom header without a CORS
// preflight, which the console never grants.
const csrfHeader = "X-Ossemu-Console"

// sessionKey derives the cookie key from the key pair.
func sessionKey(id, secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("ossemu console session v1\x00" + id))
	return m.Sum(nil)
}

// newSession returns a cookie value valid until exp.
func (c *Console) newSession(exp time.Time) string {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	payload := strconv.FormatInt(exp.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(nonce)
	return payload + "." + c.mac(payload)
}

func (c *Console) mac(payload string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validSession reports whether v is a cookie this console signed that has
// not expired.
func (c *Console) validSession(v string) bool {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return false
	}
	payload, sig := v[:i], v[i+1:]
	if subtle.ConstantTimeCompare([]byte(c.mac(payload)), []byte(sig)) != 1 {
		return false
	}
	expText, _, _ := strings.Cut(payload, ".")
	exp, err := strconv.ParseInt(expText, 10, 64)
	return err == nil && c.cfg.Now().Unix() < exp
}

// authMethod is how a request proved itself.
type authMethod int

const (
	authNone authMethod = iota
	authCookie
	authCredentials // HTTP Basic or an OSS signature, per request
)

// authenticate tells how r is signed in, if at all.
func (c *Console) authenticate(r *http.Request) authMethod {
	if ck, err := r.Cookie(cookieName); err == nil && c.validSession(ck.Value) {
		return authCookie
	}
	if r.Header.Get("Authorization") != "" || r.URL.Query().Has("Signature") || r.URL.Query().Has("x-oss-signature") {
		if c.cfg.Authenticator.Authenticate(r) == nil {
			return authCredentials
		}
	}
	return authNone
}

// requireAuth refuses anonymous requests: pages redirect to the login
// form, API calls get 401 JSON. Cookie-authenticated changes must carry
// csrfHeader.
func (c *Console) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := c.authenticate(r)
		isAPI := strings.HasPrefix(r.URL.Path, c.cfg.Prefix+"api/")
		switch {
		case m == authNone && isAPI:
			if r.Header.Get(csrfHeader) == "" {
				// Not the console's own script: tell curl-like clients
				// which scheme works. (The script gets no challenge, so
				// the browser shows no password dialog.)
				w.Header().Set("WWW-Authenticate", `Basic realm="ossemu console"`)
			}
			writeJSON(w, http.StatusUnauthorized, apiError{Code: "AccessDenied",
				Message: "sign in to the console, or use HTTP Basic with the emulator's AccessKey pair"})
		case m == authNone:
			http.Redirect(w, r, c.cfg.Prefix+"login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		case m == authCookie && r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get(csrfHeader) == "":
			writeJSON(w, http.StatusForbidden, apiError{Code: "AccessDenied", Message: "missing the " + csrfHeader + " header"})
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// login checks the form's key pair and sets the session cookie.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	id, secret := r.PostFormValue("access_key_id"), r.PostFormValue("access_key_secret")
	okID := subtle.ConstantTimeCompare([]byte(id), []byte(c.cfg.AccessKeyID))
	okSecret := subtle.ConstantTimeCompare([]byte(secret), []byte(c.cfg.AccessKeySecret))
	if okID&okSecret != 1 {
		c.cfg.Logger.Warn("console: failed sign-in", "remote", r.RemoteAddr)
		c.renderLogin(w, http.StatusUnauthorized, r.PostFormValue("next"), "That AccessKey ID and secret are not this emulator's.")
		return
	}
	exp := c.cfg.Now().Add(c.cfg.SessionTTL)
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: c.newSession(exp), Path: c.cfg.Prefix, Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	http.Redirect(w, r, c.safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// logout clears the cookie.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: c.cfg.Prefix, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, c.cfg.Prefix+"login", http.StatusSeeOther)
}

// safeNext keeps the post-login redirect inside the console.
func (c *Console) safeNext(next string) string {
	if strings.HasPrefix(next, c.cfg.Prefix) && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return c.cfg.Prefix
}
