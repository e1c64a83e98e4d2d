package console

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage"
)

const concatStyle = "video/concat,ss_1000,t_4000,f_mp4,vcodec_h264,acodec_aac,fps_25,align_1/pre,o_"

func TestListTasksFiltersByStatusAndAction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.enqueue(t, "a.mp4", concatStyle+b64("pre.mov")+"|sys/saveas,o_"+b64("o.mp4"))
	s := e.enqueue(t, "a.mp4", "video/sprite,f_jpg|sys/saveas,o_"+b64("s.jpg"))
	require.NoError(t, e.pool.Cancel(t.Context(), s.ID))
	var out struct {
		Tasks     []taskRow
		NextToken string
	}
	ids := func(q string) []string {
		require.Equal(t, http.StatusOK, e.api(t, "GET", "tasks"+q, "", &out))
		var got []string
		for _, r := range out.Tasks {
			got = append(got, r.ID)
		}
		return got
	}
	require.Equal(t, []string{s.ID, c.ID}, ids(""))
	require.Equal(t, []string{c.ID}, ids("?action=video/concat"))
	require.Equal(t, []string{s.ID}, ids("?action=video/sprite"))
	require.Equal(t, []string{s.ID}, ids("?status=Failed"))
	require.Equal(t, []string{c.ID}, ids("?status=queued&action=video/concat"))
	require.Empty(t, ids("?status=Running"))
	require.Equal(t, []string{s.ID}, ids("?limit=1"))
	require.Equal(t, []string{c.ID}, ids("?limit=1&next="+out.NextToken))

	var bad apiError
	require.Equal(t, http.StatusBadRequest, e.api(t, "GET", "tasks?status=Done", "", &bad))
	require.Equal(t, "InvalidArgument", bad.Code)
	require.Equal(t, http.StatusBadRequest, e.api(t, "GET", "tasks?next=zz!", "", &bad))
}

func TestTaskDetailDecodesTheProcess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.enqueue(t, "中文/main.mp4", concatStyle+b64("clips/pre one.mov")+",t_2500/sur,o_"+b64("end.mp4")+
		"|sys/saveas,o_"+b64("out/{barename}.{autoext}")+"/notify,topic_"+b64("jobs"))
	var d taskDetail
	require.Equal(t, http.StatusOK, e.api(t, "GET", "tasks/"+task.ID, "", &d))
	require.Equal(t, "Queued", d.Status)
	require.Equal(t, "video/concat", d.Action)
	require.Equal(t, task.EventID, d.EventID)
	require.Nil(t, d.ParseError)
	c := d.Decoded.Concat
	require.Equal(t, []clipView{
		{Index: 0, Key: "clips/pre one.mov", TMs: 2500},
		{Index: 1, Key: "中文/main.mp4", Self: true, SSMs: 1000, TMs: 4000, Align: true},
		{Index: 2, Key: "end.mp4"},
	}, c.Clips)
	origin := map[string]string{}
	for _, p := range append(c.Video, c.Audio...) {
		origin[p.Key] = p.Origin + "=" + p.Value
		require.NotEmpty(t, p.Meaning, p.Key)
	}
	require.Equal(t, "request=h264", origin["vcodec"])
	require.Equal(t, "request=25", origin["fps"])
	require.Equal(t, "align=", origin["pixfmt"], "left to the align clip")
	require.Equal(t, "default=150", origin["g"])
	require.Equal(t, "align=", origin["ar"])
	require.Equal(t, "out/{barename}.{autoext}", d.Decoded.SaveAs.Object)
	require.Equal(t, "jobs", d.Decoded.Notify)
	require.Empty(t, d.Outputs)

	var missing apiError
	require.Equal(t, http.StatusNotFound, e.api(t, "GET", "tasks/MediaConvert-nope", "", &missing))
	require.Equal(t, "ResourceNotFound", missing.Code)
}

func TestParseAnswersWithTheParsersError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, style := range []string{
		"video/sprite,f_jpg,tw_200|sys/saveas,o_" + b64("s.jpg"),
		"video/concat,f_mp4,vcodec_h264|sys/saveas,o_" + b64("o.mp4"),
		"video/concat,f_amr,acodec_aac|sys/saveas,o_" + b64("o.amr"),
		"video/sprite,f_jpg",
		"image/resize,w_100|sys/saveas,o_" + b64("x"),
	} {
		_, perr := parser.Parse(style)
		want, ok := osserr.As(perr)
		require.True(t, ok, style)
		var out struct {
			OK    bool
			Error apiError
		}
		require.Equal(t, http.StatusOK, e.api(t, "POST", "parse", `{"Process":`+quoteJSON(style)+`}`, &out))
		require.False(t, out.OK, style)
		require.Equal(t, want.Code.Name, out.Error.Code, style)
		require.Equal(t, want.Message, out.Error.Message, style)
	}
	var ok struct {
		OK      bool
		Decoded decoded
	}
	require.Equal(t, http.StatusOK, e.api(t, "POST", "parse", `{"Process":`+quoteJSON("video/sprite,f_png,m_avg,tw_3,th_2|sys/saveas,o_"+b64("s-{index}.png"))+`}`, &ok))
	require.True(t, ok.OK)
	require.Equal(t, "video/sprite", ok.Decoded.Action)
	require.Equal(t, spriteView{Mode: "avg", Columns: 3, Rows: 2, Pad: 2, Margin: 2, Format: "png"},
		spriteView{Mode: ok.Decoded.Sprite.Mode, Columns: ok.Decoded.Sprite.Columns, Rows: ok.Decoded.Sprite.Rows,
			Pad: ok.Decoded.Sprite.Pad, Margin: ok.Decoded.Sprite.Margin, Format: ok.Decoded.Sprite.Format})
	require.Equal(t, http.StatusBadRequest, e.api(t, "POST", "parse", `not json`, nil))
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

func TestCancelAFinishedTaskConflicts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.enqueue(t, "a.mp4", "video/sprite,f_jpg|sys/saveas,o_"+b64("s.jpg"))
	var row taskRow
	require.Equal(t, http.StatusOK, e.api(t, "POST", "tasks/"+task.ID+"/cancel", "", &row))
	require.Equal(t, "Failed", row.Status)
	require.Equal(t, "TaskCancelled", row.Code)
	var err apiError
	require.Equal(t, http.StatusConflict, e.api(t, "POST", "tasks/"+task.ID+"/cancel", "", &err))
	require.Equal(t, "TaskFinished", err.Code)
	require.Equal(t, http.StatusNotFound, e.api(t, "POST", "tasks/MediaConvert-nope/cancel", "", &err))
}

func TestObjectsListServeAndPresign(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for key, body := range map[string]string{"v/a.mp4": "0123456789", "v/deep/b.txt": "b", "top.png": "png"} {
		_, err := e.store.PutObject(ctx, "media", key, strings.NewReader(body), storage.PutOptions{Size: int64(len(body)), ContentType: contentTypeOf(key)})
		require.NoError(t, err)
	}
	var list struct {
		Objects  []objectRow
		Prefixes []string
	}
	require.Equal(t, http.StatusOK, e.api(t, "GET", "buckets/media/objects?prefix=v/", "", &list))
	require.Equal(t, []string{"v/deep/"}, list.Prefixes)
	require.Len(t, list.Objects, 1)
	o := list.Objects[0]
	require.Equal(t, "v/a.mp4", o.Key)
	require.Equal(t, "video", o.Kind)
	require.Equal(t, DefaultPrefix+"api/object/media/v/a.mp4", o.URL)

	res := e.do(t, "GET", o.URL, "", "Authorization", basic(), "Range", "bytes=2-5")
	require.Equal(t, http.StatusPartialContent, res.StatusCode)
	body, _ := io.ReadAll(res.Body)
	require.Equal(t, "2345", string(body))
	require.Equal(t, "video/mp4", res.Header.Get("Content-Type"))
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "sandbox")
	res = e.do(t, "GET", o.URL+"?download=1", "", "Authorization", basic())
	require.Equal(t, `attachment; filename=a.mp4`, res.Header.Get("Content-Disposition"))
	res = e.do(t, "GET", DefaultPrefix+"api/object/media/nope", "", "Authorization", basic())
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	var signed struct{ Path, URL string }
	require.Equal(t, http.StatusOK, e.api(t, "POST", "presign",
		`{"Method":"POST","Bucket":"media","Key":"v/a.mp4","Query":{"x-oss-async-process":""},"ContentType":"text/plain"}`, &signed))
	require.True(t, strings.HasPrefix(signed.URL, e.srv.URL+"/media/v/a.mp4?x-oss-async-process&OSSAccessKeyId="+testAK), signed.URL)
	req := httptest.NewRequest("POST", signed.Path, nil)
	req.Header.Set("Content-Type", "text/plain")
	require.NoError(t, e.v.Verify(req, auth.Resource{Bucket: "media", Key: "v/a.mp4"}), "the OSS API accepts the URL")
	var bad apiError
	require.Equal(t, http.StatusBadRequest, e.api(t, "POST", "presign", `{"Method":"PATCH","Bucket":"media"}`, &bad))
	require.Equal(t, http.StatusBadRequest, e.api(t, "POST", "presign", `{"Method":"GET","Bucket":"media","ExpiresIn":999999999}`, &bad))
}

func contentTypeOf(key string) string {
	switch {
	case strings.HasSuffix(key, ".mp4"):
		return "video/mp4"
	case strings.HasSuffix(key, ".png"):
		return "image/png"
	}
	return "text/plain"
}

func TestUnconfiguredPartsSayNotImplemented(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.enqueue(t, "a.mp4", "video/sprite,f_jpg|sys/saveas,o_"+b64("s.jpg"))
	for _, path := range []string{"mns", "mns/queues/q/peek", "mns/topics/t/messages", "tasks/" + task.ID + "/plan", "probe/media/a.mp4"} {
		var out apiError
		require.Equal(t, http.StatusNotImplemented, e.api(t, "GET", path, "", &out), path)
		require.Equal(t, "NotImplemented", out.Code)
	}
}

func TestTheAppShellIsServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.do(t, "GET", DefaultPrefix, "", "Authorization", basic())
	require.Equal(t, http.StatusOK, res.StatusCode)
	page, _ := io.ReadAll(res.Body)
	require.Contains(t, string(page), `<script type="module" src="`+DefaultPrefix+`static/js/app.js">`)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self'")
	for _, f := range []string{"app.css", "js/app.js", "js/api.js", "js/tasks.js", "js/detail.js", "js/sprite.js", "js/objects.js", "js/compose.js", "js/mns.js", "js/live.js", "js/dom.js"} {
		res := e.do(t, "GET", DefaultPrefix+"static/"+f, "", "Authorization", basic())
		require.Equal(t, http.StatusOK, res.StatusCode, f)
		if strings.HasSuffix(f, ".js") {
			require.Equal(t, "text/javascript; charset=utf-8", res.Header.Get("Content-Type"), f)
		}
	}
}
