package notifier

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

type testEnvelope struct {
	ID, Source, Type, Subject, Time, Content string
}

type testContent struct {
	ProjectName, RequestId, StartTime, EndTime, UserData, TaskType, TaskId, Status, Code, Message string
	Sources                                                                                       []struct{ URI string }
	Targets                                                                                       []struct {
		URI   string
		Image *struct {
			Sprites               []struct{ URI string }
			Snapshots, Animations any
		}
	}
}

func decodeEnvelope(t *testing.T, body []byte) (testEnvelope, testContent) {
	t.Helper()
	var e testEnvelope
	require.NoError(t, json.Unmarshal(body, &e))
	var c testContent
	require.NoError(t, json.Unmarshal([]byte(e.Content), &c), "content must be a JSON document inside a string")
	return e, c
}

func TestEnvelope(t *testing.T) {
	t.Parallel()
	now := time.UnixMilli(1724133063161)
	failed := sampleTask("MediaConvert-58a8f19f", "t")
	failed.Status, failed.Code, failed.Message, failed.Targets = StatusFailed, "InvalidMedia", "no video stream", nil
	sprite := sampleTask("MediaConvert-aa", "t")
	sprite.Targets = []Target{{URI: "oss://b/s_1.jpg", Sprites: []string{"oss://b/s_1.jpg", "oss://b/s_2.jpg"}}}
	noEvent := sampleTask("plainid", "t")
	noEvent.EventID = ""

	tests := []struct {
		name  string
		task  Task
		check func(t *testing.T, e testEnvelope, c testContent)
	}{
		{"succeeded", sampleTask("MediaConvert-58a8f19f", "t"), func(t *testing.T, e testEnvelope, c testContent) {
			require.Equal(t, "10C-1XqxdjCRx3x7gRim3go1yLUVWgm", e.ID)
			require.Equal(t, "acs.imm", e.Source)
			require.Equal(t, "imm:Task:MediaConvert", e.Type)
			require.Equal(t, "acs:imm:cn-shanghai:1234:proj/imm:Task:MediaConvert", e.Subject)
			require.Equal(t, "1724133063161", e.Time)
			require.Equal(t, "proj", c.ProjectName)
			require.Equal(t, "B8AD6942-BBDE-571D-A9A9-525A4C34B2B3", c.RequestId)
			require.Equal(t, "2024-08-20T07:03:07.36Z", c.StartTime)
			require.Equal(t, "2024-08-20T07:03:10.36Z", c.EndTime)
			require.Equal(t, "MediaConvert", c.TaskType)
			require.Equal(t, "MediaConvert-58a8f19f", c.TaskId)
			require.Equal(t, "Succeeded", c.Status)
			require.Empty(t, c.Code)
			require.Len(t, c.Sources, 1)
			require.Equal(t, "oss://bucket/src.mp4", c.Sources[0].URI)
			require.Len(t, c.Targets, 1)
			require.Equal(t, "oss://bucket/out.mp4", c.Targets[0].URI)
			require.Nil(t, c.Targets[0].Image)
		}},
		{"failed", failed, func(t *testing.T, e testEnvelope, c testContent) {
			require.Equal(t, "Failed", c.Status)
			require.Equal(t, "InvalidMedia", c.Code)
			require.Equal(t, "no video stream", c.Message)
			require.Empty(t, c.Targets)
		}},
		{"sprite", sprite, func(t *testing.T, e testEnvelope, c testContent) {
			require.Len(t, c.Targets, 1)
			require.NotNil(t, c.Targets[0].Image)
			require.Len(t, c.Targets[0].Image.Sprites, 2)
			require.Equal(t, "oss://b/s_2.jpg", c.Targets[0].Image.Sprites[1].URI)
			require.Nil(t, c.Targets[0].Image.Snapshots)
		}},
		{"generated event id", noEvent, func(t *testing.T, e testEnvelope, c testContent) {
			require.Regexp(t, `^25E-[0-9A-Za-z]{27}$`, e.ID)
			require.Equal(t, "MediaConvert", c.TaskType, "ids without a type prefix are MediaConvert tasks")
		}},
	}
	cfg := Config{Region: "cn-shanghai", AccountID: "1234", ProjectName: "proj"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, err := Envelope(cfg, tc.task, now)
			require.NoError(t, err)
			e, c := decodeEnvelope(t, body)
			tc.check(t, e, c)
		})
	}
}

func TestFromQueueTask(t *testing.T) {
	t.Parallel()
	start := time.Unix(1700000000, 0)
	base := queue.Task{ID: "MediaConvert-1", EventID: "E", RequestID: "R", Bucket: "b", Object: "src.mp4", Topic: "top",
		Sources:   []queue.Ref{{Bucket: "b", Key: "pre.mp4"}, {Bucket: "b", Key: "src.mp4"}},
		StartedAt: start, FinishedAt: start.Add(time.Second)}

	concat := base
	concat.Action, concat.Process, concat.State = parser.ActionConcat, "video/concat,f_mp4/pre,o_cHJl|sys/saveas,o_b3V0", queue.Succeeded
	concat.Targets = []queue.Ref{{Bucket: "o", Key: "out.mp4"}}
	got := FromQueueTask(&concat)
	require.Equal(t, StatusSucceeded, got.Status)
	require.Equal(t, []string{"oss://b/pre.mp4", "oss://b/src.mp4"}, got.Sources)
	require.Equal(t, []Target{{URI: "oss://o/out.mp4"}}, got.Targets)
	require.Equal(t, "top", got.Topic)

	sprite := base
	sprite.Action, sprite.Process, sprite.State = parser.ActionSprite, "video/sprite,f_jpg|sys/saveas,o_cw", queue.Succeeded
	sprite.Targets = []queue.Ref{{Bucket: "b", Key: "s_1.jpg"}, {Bucket: "b", Key: "s_2.jpg"}}
	got = FromQueueTask(&sprite)
	require.Len(t, got.Targets, 1)
	require.Equal(t, []string{"oss://b/s_1.jpg", "oss://b/s_2.jpg"}, got.Targets[0].Sprites)

	failed := base
	failed.State, failed.Code, failed.Message = queue.Failed, "InvalidMedia", "bad"
	got = FromQueueTask(&failed)
	require.Equal(t, StatusFailed, got.Status)
	require.Equal(t, "InvalidMedia", got.Code)
}

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Endpoint
		wantErr bool
	}{
		{"jobs=http://127.0.0.1:9000/hook", Endpoint{"jobs", "http://127.0.0.1:9000/hook", FormatXML}, false},
		{"*=https://example.com/a?b=c#simplified", Endpoint{"*", "https://example.com/a?b=c", FormatSimplified}, false},
		{" t-1=http://h/#JSON ", Endpoint{"t-1", "http://h/", FormatJSON}, false},
		{"t=http://h/#xml", Endpoint{"t", "http://h/", FormatXML}, false},
		{"t=http://h/#yaml", Endpoint{}, true},
		{"t=ftp://h/", Endpoint{}, true},
		{"=http://h/", Endpoint{}, true},
		{"1bad=http://h/", Endpoint{}, true},
		{"http://h/", Endpoint{}, true},
	}
	for _, tc := range tests {
		got, err := ParseEndpoint(tc.in)
		if tc.wantErr {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
	list, err := ParseEndpointList("a=http://h/1,, *=http://h/2#SIMPLIFIED")
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.True(t, list[1].Matches("anything"))
	require.False(t, list[0].Matches("b"))
	require.NotEqual(t, list[0].Name(), list[1].Name())
}
