package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/concat"
	"github.com/ossemu/ossemu/engine/sprite"
	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/notifier/mns"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/server"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage/local"
)

const ak, sk, region = "e2e-ak", "e2e-sk", "cn-hangzhou"

type push struct {
	header http.Header
	path   string
	body   []byte
}

type stack struct {
	url    string
	client *v2.Client
	pushes chan push
	n      *notifier.Notifier
}

// newStack starts the emulator as cmd/emulator assembles it, with the
// notifier pushing topic "video-done" to an in-test receiver.
func newStack(t *testing.T) *stack {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := local.Open(ctx, local.Config{Dir: filepath.Join(dir, "objects"), NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	require.NoError(t, store.CreateBucket(ctx, "media"))
	q, err := queue.Open(ctx, filepath.Join(dir, "queue.db"))
	require.NoError(t, err)

	s := &stack{pushes: make(chan push, 16)}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.pushes <- push{header: r.Header.Clone(), path: r.URL.EscapedPath(), body: b}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)
	broker, err := mns.NewBroker(ctx, q.DB())
	require.NoError(t, err)
	s.n, err = notifier.New(ctx, notifier.Config{DataDir: dir, Region: region,
		Endpoints: []notifier.Endpoint{{Topic: "video-done", URL: recv.URL + "/hook", Format: notifier.FormatXML}}},
		notifier.Deps{DB: q.DB(), Broker: broker, Logger: logger})
	require.NoError(t, err)

	cfg := queue.DefaultConfig()
	cfg.Workers, cfg.TaskThreads = 1, 2
	cfg.WorkRoot, cfg.Storage, cfg.Logger = filepath.Join(dir, "work"), store, logger
	eng := engine.DefaultConfig()
	cfg.Processors = queue.Processors{parser.ActionConcat: concat.New(eng), parser.ActionSprite: sprite.New(eng)}
	cfg.OnFinish, cfg.Finished = s.n.FinishHook(), s.n.Finished()
	pool, err := queue.NewPool(q, cfg)
	require.NoError(t, err)

	srv, err := server.New(server.Config{Region: region}, server.Deps{Storage: store, Tasks: q, Notifications: s.n, Logger: logger,
		Verifier: auth.New(auth.Config{Credentials: auth.Credentials{AccessKeyID: ak, AccessKeySecret: sk}, Region: region})})
	require.NoError(t, err)
	oss := httptest.NewServer(srv.Handler()) // serves the push-signing certificate too
	s.url = oss.URL
	s.n.SetCertURL(oss.URL + server.CertPath)

	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{}, 2)
	go func() { _ = pool.Run(rctx); done <- struct{}{} }()
	go func() { _ = s.n.Run(rctx); done <- struct{}{} }()
	t.Cleanup(func() {
		oss.Close()
		stop()
		<-done
		<-done
		q.Close()
	})
	s.client = v2.NewClient(v2.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(ak, sk)).
		WithRegion(region).WithEndpoint(s.url).WithUsePathStyle(true).WithRetryMaxAttempts(1))
	return s
}

func (s *stack) put(t *testing.T, key, path string) {
	t.Helper()
	_, err := s.client.PutObjectFromFile(context.Background(), &v2.PutObjectRequest{Bucket: v2.Ptr("media"), Key: v2.Ptr(key)}, path)
	require.NoError(t, err)
}

func (s *stack) submit(t *testing.T, key, process string) *v2.AsyncProcessObjectResult {
	t.Helper()
	res, err := s.client.AsyncProcessObject(context.Background(), &v2.AsyncProcessObjectRequest{
		Bucket: v2.Ptr("media"), Key: v2.Ptr(key), AsyncProcess: v2.Ptr(process)})
	require.NoError(t, err)
	return res
}

func (s *stack) next(t *testing.T) push {
	t.Helper()
	select {
	case p := <-s.pushes:
		return p
	case <-time.After(2 * time.Minute):
		t.Fatal("no notification within two minutes")
		return push{}
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// clip makes a short H.264/AAC clip with the ffmpeg CLI.
func clip(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=2",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-shortest", out)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, string(msg))
	return out
}

type envelope struct{ ID, Source, Type, Subject, Time, Content string }

type content struct {
	TaskId, Status, Code, Message, RequestId, StartTime, EndTime string
	Sources                                                      []struct{ URI string }
	Targets                                                      []struct {
		URI   string
		Image *struct{ Sprites []struct{ URI string } }
	}
}

// decode checks the XML notification and returns its envelope and content.
func decode(t *testing.T, p push) (notifier.Notification, envelope, content) {
	t.Helper()
	require.Equal(t, "/hook", p.path)
	require.Equal(t, "text/xml;charset=utf-8", p.header.Get("Content-Type"))
	var note notifier.Notification
	require.NoError(t, xml.Unmarshal(p.body, &note))
	require.Equal(t, "http://mns.aliyuncs.com/doc/v1/", note.XMLName.Space)
	require.Equal(t, notifier.MD5Hex([]byte(note.Message)), note.MessageMD5, "MessageMD5 is the upper-case hex MD5 of Message")
	require.Equal(t, "video-done", note.TopicName)
	var e envelope
	require.NoError(t, json.Unmarshal([]byte(note.Message), &e))
	require.Equal(t, "acs.imm", e.Source)
	require.Equal(t, "imm:Task:MediaConvert", e.Type)
	var c content
	require.NoError(t, json.Unmarshal([]byte(e.Content), &c), "content is JSON inside a string")
	return note, e, c
}

// verify checks the push signature with the certificate the push names.
func verify(t *testing.T, p push) {
	t.Helper()
	require.NoError(t, testutil.VerifyMNSPush(p.header, p.path))
}

func TestAsyncProcessNotifies(t *testing.T) {
	t.Parallel()
	testutil.RequireCommand(t, "ffmpeg")
	s := newStack(t)
	dir := t.TempDir()
	src := clip(t, dir, "a.mp4")
	s.put(t, "in/a.mp4", src)
	s.put(t, "in/b.mp4", src)
	bad := filepath.Join(dir, "bad.mp4")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Repeat("this is not a video ", 100)), 0o644))
	s.put(t, "in/bad.mp4", bad)
	notify := "/notify,topic_" + b64("video-done")

	// Success: a concat of two clips.
	res := s.submit(t, "in/a.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+b64("in/b.mp4")+
		"|sys/saveas,b_"+b64("media")+",o_"+b64("out/joined.mp4")+notify)
	p := s.next(t)
	note, e, c := decode(t, p)
	verify(t, p)
	require.Equal(t, res.EventId, e.ID)
	require.Equal(t, res.TaskId, c.TaskId)
	require.Equal(t, "Succeeded", c.Status, "%s: %s", c.Code, c.Message)
	require.Empty(t, c.Code)
	require.Equal(t, []string{"oss://media/in/a.mp4", "oss://media/in/b.mp4"}, []string{c.Sources[0].URI, c.Sources[1].URI})
	require.Len(t, c.Targets, 1)
	require.Equal(t, "oss://media/out/joined.mp4", c.Targets[0].URI)
	head, err := s.client.HeadObject(context.Background(), &v2.HeadObjectRequest{Bucket: v2.Ptr("media"), Key: v2.Ptr("out/joined.mp4")})
	require.NoError(t, err, "the output the notification names exists")
	require.Greater(t, head.ContentLength, int64(1000))
	require.Equal(t, note.MessageId, p.header.Get("x-mns-message-id"))

	// Sprites: every sheet is listed under Image.Sprites.
	res = s.submit(t, "in/a.mp4", "video/sprite,f_jpg,tw_2,th_2,inter_500|sys/saveas,o_"+b64("sprites/s_{index}.jpg")+notify)
	_, _, c = decode(t, s.next(t))
	require.Equal(t, res.TaskId, c.TaskId)
	require.Equal(t, "Succeeded", c.Status, "%s: %s", c.Code, c.Message)
	require.Len(t, c.Targets, 1)
	require.NotNil(t, c.Targets[0].Image)
	require.NotEmpty(t, c.Targets[0].Image.Sprites)
	require.True(t, strings.HasPrefix(c.Targets[0].Image.Sprites[0].URI, "oss://media/sprites/s_"))

	// Failure: a corrupt input yields Failed with its code.
	res = s.submit(t, "in/bad.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_"+b64("out/never.mp4")+notify)
	_, _, c = decode(t, s.next(t))
	require.Equal(t, res.TaskId, c.TaskId)
	require.Equal(t, "Failed", c.Status)
	require.NotEmpty(t, c.Code)
	require.Empty(t, c.Targets)
	t.Logf("failed task: %s: %s", c.Code, c.Message)

	st, err := s.n.TaskStatus(context.Background(), res.TaskId)
	require.NoError(t, err)
	require.NotNil(t, st)
	require.Eventually(t, func() bool {
		st, err := s.n.TaskStatus(context.Background(), res.TaskId)
		return err == nil && st.State == notifier.StateDelivered
	}, 10*time.Second, 10*time.Millisecond)

	// The task API shows the same delivery state.
	resp, body := testutil.GetBasicAuth(t.Context(), t, s.url+"/_ossemu/tasks/"+res.TaskId, ak, sk)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var view struct {
		Status       string
		Notification *notifier.MessageStatus
	}
	require.NoError(t, json.Unmarshal(body, &view))
	require.Equal(t, "Failed", view.Status)
	require.NotNil(t, view.Notification)
	require.Equal(t, notifier.StateDelivered, view.Notification.State)
	require.Equal(t, "video-done", view.Notification.Topic)
}
