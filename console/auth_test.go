package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAnonymousIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		path   string
		status int
	}{
		{DefaultPrefix, http.StatusSeeOther},
		{DefaultPrefix + "static/js/app.js", http.StatusSeeOther},
		{DefaultPrefix + "static/app.css", http.StatusSeeOther},
		{DefaultPrefix + "api/tasks", http.StatusUnauthorized},
		{DefaultPrefix + "api/events", http.StatusUnauthorized},
		{DefaultPrefix + "api/buckets", http.StatusUnauthorized},
		{DefaultPrefix + "api/object/media/a.mp4", http.StatusUnauthorized},
		{DefaultPrefix + "api/no-such-thing", http.StatusUnauthorized},
		{DefaultPrefix + "login", http.StatusOK},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			res := e.do(t, "GET", tc.path, "")
			require.Equal(t, tc.status, res.StatusCode)
			if tc.status == http.StatusSeeOther {
				require.True(t, strings.HasPrefix(res.Header.Get("Location"), DefaultPrefix+"login?next="), res.Header.Get("Location"))
			}
			if tc.status == http.StatusUnauthorized {
				require.Equal(t, `Basic realm="ossemu console"`, res.Header.Get("WWW-Authenticate"))
			}
		})
	}
	// The console's own script gets no challenge, so browsers show no dialog.
	res := e.do(t, "GET", DefaultPrefix+"api/tasks", "", csrfHeader, "1")
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	require.Empty(t, res.Header.Get("WWW-Authenticate"))
}

func TestLoginSetsASignedCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bad := url.Values{"access_key_id": {testAK}, "access_key_secret": {"nope"}}
	res := e.do(t, "POST", DefaultPrefix+"login", bad.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	require.Empty(t, res.Cookies())

	c := e.login(t)
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, c.SameSite)
	require.Equal(t, DefaultPrefix, c.Path)
	withCookie := func(v string) int {
		return e.do(t, "GET", DefaultPrefix+"api/session", "", "Cookie", cookieName+"="+v).StatusCode
	}
	require.Equal(t, http.StatusOK, withCookie(c.Value))
	require.Equal(t, http.StatusOK, e.do(t, "GET", DefaultPrefix, "", "Cookie", cookieName+"="+c.Value).StatusCode)

	parts := strings.Split(c.Value, ".")
	require.Len(t, parts, 3)
	require.Equal(t, http.StatusUnauthorized, withCookie("9999999999."+parts[1]+"."+parts[2]), "a longer expiry breaks the MAC")
	require.Equal(t, http.StatusUnauthorized, withCookie(parts[0]+"."+parts[1]+".AAAA"))
	require.Equal(t, http.StatusUnauthorized, withCookie("garbage"))

	e.now = e.now.Add(13 * time.Hour) // past the 12 h session
	require.Equal(t, http.StatusUnauthorized, withCookie(c.Value))
}

func TestLoginRedirectStaysInTheConsole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for next, want := range map[string]string{
		DefaultPrefix + "#/tasks/x": DefaultPrefix + "#/tasks/x",
		"//evil.example/":           DefaultPrefix,
		"https://evil.example/":     DefaultPrefix,
		DefaultPrefix + `\evil`:     DefaultPrefix,
	} {
		form := url.Values{"access_key_id": {testAK}, "access_key_secret": {testSK}, "next": {next}}
		res := e.do(t, "POST", DefaultPrefix+"login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		require.Equal(t, want, res.Header.Get("Location"), next)
	}
}

func TestCookieChangesNeedTheConsoleHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(t)
	task := e.enqueue(t, "a.mp4", "video/sprite,f_jpg|sys/saveas,o_"+b64("s.jpg"))
	path := DefaultPrefix + "api/tasks/" + task.ID + "/cancel"
	res := e.do(t, "POST", path, "", "Cookie", cookieName+"="+c.Value)
	require.Equal(t, http.StatusForbidden, res.StatusCode, "a cross-site form post carries the cookie but not the header")
	res = e.do(t, "POST", path, "", "Cookie", cookieName+"="+c.Value, csrfHeader, "1")
	require.Equal(t, http.StatusOK, res.StatusCode)
}

func TestLogoutClearsTheCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.do(t, "POST", DefaultPrefix+"logout", "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Len(t, res.Cookies(), 1)
	require.Equal(t, -1, res.Cookies()[0].MaxAge)
}
