package parser

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestGrammarErrors(t *testing.T) {
	t.Parallel()
	runRules(t, []ruleCase{
		{name: "empty", process: "", code: missingArg},
		{name: "unknown action", process: "video/convert,f_mp4" + saveAs, code: invalidArg, frags: []string{"unknown action video/convert"}},
		{name: "image action", process: "image/resize,w_100" + saveAs, code: invalidArg, frags: []string{"unknown action image/resize"}},
		{name: "saveas first", process: "sys/saveas,o_" + b64("x"), code: invalidArg, frags: []string{"first stage", "sys/saveas"}},
		{name: "saveas missing", process: "video/sprite,f_jpg", code: missingArg, frags: []string{"sys/saveas"}},
		{name: "saveas twice", process: spriteWith("f_jpg") + saveAs, code: invalidArg, frags: []string{"unexpected stage sys/saveas"}},
		{name: "empty stage", process: spriteWith("f_jpg") + "|", code: invalidArg, frags: []string{"empty stage"}},
		{name: "unknown parameter", process: concatWith(baseAV + ",foo_1"), code: invalidArg, frags: []string{"video/concat: unknown parameter foo"}},
		{name: "sprite parameter on concat", process: concatWith(baseAV + ",tw_3"), code: invalidArg, frags: []string{"unknown parameter tw"}},
		{name: "duplicate parameter", process: concatWith(baseAV + ",g_10,g_20"), code: invalidArg, frags: []string{"duplicate parameter g"}},
		{name: "duplicate in pre", process: "video/concat," + baseAV + "/pre,o_" + b64("a") + ",ss_1,ss_2" + saveAs, code: invalidArg, frags: []string{"/pre: duplicate parameter ss"}},
		{name: "no underscore", process: concatWith(baseAV + ",g10"), code: invalidArg, frags: []string{"malformed parameter g10"}},
		{name: "empty value", process: concatWith(baseAV + ",g_"), code: invalidArg, frags: []string{"malformed parameter g_"}},
		{name: "empty key", process: concatWith(baseAV + ",_10"), code: invalidArg, frags: []string{"malformed parameter _10"}},
		{name: "empty parameter", process: concatWith(baseAV + ",,g_10"), code: invalidArg, frags: []string{"empty parameter"}},
		{name: "trailing comma", process: "video/sprite,f_jpg," + saveAs, code: invalidArg, frags: []string{"empty parameter"}},
		{name: "not an integer", process: concatWith(baseAV + ",g_ten"), code: invalidArg, frags: []string{"parameter g: value ten is not an integer"}},
		{name: "integer overflow", process: concatWith(baseAV + ",g_99999999999999999999"), code: invalidArg, frags: []string{"parameter g: value 99999999999999999999 out of range [1, 100000]"}},
		{name: "unknown segment", process: "video/concat," + baseAV + "/mid,o_" + b64("a") + saveAs, code: invalidArg, frags: []string{"unknown segment /mid"}},
		{name: "text after action", process: "video/concatx,f_mp4" + saveAs, code: invalidArg, frags: []string{"unknown action video/concatx"}},
		{name: "upper-case value", process: concatWith("f_MP4,vcodec_h264,acodec_aac"), code: invalidArg, frags: []string{"parameter f: value MP4"}},
		{name: "notify as its own stage", process: spriteWith("f_jpg") + "|notify,topic_" + b64("t1"), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, &Notify{Topic: "t1"}, p.Notify)
		}},
		{name: "notify twice", process: spriteWith("f_jpg") + "/notify,topic_" + b64("a") + "|notify,topic_" + b64("b"), code: invalidArg, frags: []string{"notify"}},
		{name: "no notify", process: spriteWith("f_jpg"), check: func(t *testing.T, p *Pipeline) {
			require.Nil(t, p.Notify)
			require.True(t, p.SaveAs.Bucket.IsZero())
		}},
		{name: "sur before pre keeps pre first", process: "video/concat," + baseAV + "/sur,o_" + b64("s1") + "/pre,o_" + b64("p1") + "/sur,o_" + b64("s2") + "/pre,o_" + b64("p2") + saveAs,
			check: func(t *testing.T, p *Pipeline) {
				require.Equal(t, []Clip{{Key: "p1"}, {Key: "p2"}, {Self: true}, {Key: "s1"}, {Key: "s2"}}, p.Concat.Clips)
			}},
		{name: "head with segments only", process: "video/concat/pre,o_" + b64("p") + "," + baseAV + saveAs, code: invalidArg, frags: []string{"/pre: unknown parameter f"}},
	})
}

func TestSaveAsAndNotify(t *testing.T) {
	t.Parallel()
	with := func(saveas string) string { return "video/sprite,f_jpg|sys/saveas," + saveas }
	std := base64.StdEncoding.EncodeToString
	runRules(t, []ruleCase{
		{name: "o missing", process: with("b_" + b64("bucket1")), code: missingArg, frags: []string{"sys/saveas", "parameter o"}},
		{name: "b optional", process: with("o_" + b64("a/b.jpg")), check: func(t *testing.T, p *Pipeline) {
			require.True(t, p.SaveAs.Bucket.IsZero())
			require.Equal(t, "a/b.jpg", p.SaveAs.Object.String())
		}},
		{name: "b invalid", process: with("b_" + b64("Bad_Bucket") + ",o_" + b64("x")), code: invalidArg, frags: []string{"parameter b", "Bad_Bucket"}},
		{name: "b too short", process: with("b_" + b64("ab") + ",o_" + b64("x")), code: invalidArg, frags: []string{"parameter b"}},
		{name: "b with variable", process: with("b_" + b64("{bucket}") + ",o_" + b64("x")), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, "src-bucket", p.SaveAs.Bucket.Expand(Vars{Bucket: "src-bucket"}))
		}},
		{name: "b trailing newline dropped", process: with("b_" + b64("outbucket\n") + ",o_" + b64("x")), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, "outbucket", p.SaveAs.Bucket.String())
		}},
		{name: "o unknown variable", process: with("o_" + b64("x-{idx}.jpg")), code: invalidArg, frags: []string{"unknown variable {idx}"}},
		{name: "o unclosed brace", process: with("o_" + b64("x-{index")), code: invalidArg, frags: []string{"unclosed"}},
		{name: "o leading slash", process: with("o_" + b64("/x.jpg")), code: invalidArg, frags: []string{"parameter o", "must not start"}},
		{name: "o too long", process: with("o_" + b64(string(make([]byte, 1024)))), code: invalidArg, frags: []string{"parameter o", "1024 bytes"}},
		{name: "o 1023 bytes", process: with("o_" + b64(string(repeatByte('k', 1023))))},
		{name: "o invalid utf-8", process: with("o_" + b64("\xff.jpg")), code: invalidArg, frags: []string{"UTF-8"}},
		{name: "o not base64", process: with("o_a!b"), code: invalidArg, frags: []string{"parameter o: value a!b is not valid base64"}},
		{name: "o standard alphabet with padding", process: with("o_" + std([]byte("???.jpg"))), check: func(t *testing.T, p *Pipeline) {
			require.Contains(t, std([]byte("???.jpg")), "/")
			require.Equal(t, "???.jpg", p.SaveAs.Object.String())
		}},
		{name: "o standard alphabet before notify", process: with("o_" + std([]byte("???")) + "/notify,topic_" + b64("t")), check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, "???", p.SaveAs.Object.String())
			require.Equal(t, "t", p.Notify.Topic)
		}},
		{name: "pre key in standard alphabet", process: "video/concat," + baseAV + "/pre,o_" + std([]byte("?>?")) + ",ss_5" + saveAs, check: func(t *testing.T, p *Pipeline) {
			require.Equal(t, "?>?", p.Concat.Clips[0].Key)
		}},
		{name: "topic missing", process: with("o_" + b64("x") + "/notify,ss_1"), code: invalidArg, frags: []string{"notify: unknown parameter ss"}},
		{name: "topic empty list", process: with("o_" + b64("x") + "/notify,topic_" + b64(" ")), code: invalidArg, frags: []string{"parameter topic"}},
		{name: "topic starts with digit", process: with("o_" + b64("x") + "/notify,topic_" + b64("1topic")), code: invalidArg, frags: []string{"parameter topic", "1topic"}},
		{name: "topic underscore", process: with("o_" + b64("x") + "/notify,topic_" + b64("my_topic")), code: invalidArg, frags: []string{"my_topic"}},
		{name: "topic 256", process: with("o_" + b64("x") + "/notify,topic_" + b64("t"+string(repeatByte('-', 255))))},
		{name: "topic 257", process: with("o_" + b64("x") + "/notify,topic_" + b64("t"+string(repeatByte('-', 256)))), code: invalidArg, frags: []string{"parameter topic"}},
	})
}

func TestMissingNotifyTopic(t *testing.T) {
	t.Parallel()
	// "/notify" with no parameters is not a segment separator, so the text
	// lands in o and fails there; with a parameter list it must name topic.
	mustFail(t, "video/sprite,f_jpg|sys/saveas,o_"+b64("x")+"|notify,x_1", osserr.InvalidArgument, "unknown parameter x")
	mustFail(t, "video/sprite,f_jpg|sys/saveas,o_"+b64("x")+"|notify", osserr.MissingArgument, "parameter topic")
}

func repeatByte(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

func TestDecodeB64(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"cHJlLm1vdgo", "pre.mov\n"},
		{"cHJlLm1vdgo=", "pre.mov\n"},
		{"ZXhhbXBsZS5qcGc=", "example.jpg"},
		{"Pz8-Pg", "??>>"},
		{"Pz8+Pg==", "??>>"},
		{"Pz8_", "???"},
		{"Pz8/", "???"},
	}
	for _, tc := range tests {
		got, err := decodeB64("o", tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"", "=", "a", "ab=c", "a b", "YQ\n", "YQ==="[:3] + "!"} {
		_, err := decodeB64("o", bad)
		require.Error(t, err, bad)
	}
}

func TestPipelineAction(t *testing.T) {
	t.Parallel()
	tests := []struct{ process, want string }{
		{concatWith(baseAV), ActionConcat},
		{"video/concat," + baseAV + "/pre,o_" + b64("a.mp4") + saveAs, ActionConcat},
		{spriteWith("f_jpg"), ActionSprite},
		{spriteWith("f_png,m_key") + "/notify,topic_" + b64("t1"), ActionSprite},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, mustParse(t, tc.process).Action(), tc.process)
	}
	require.Empty(t, (&Pipeline{}).Action())
}
