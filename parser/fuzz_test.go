package parser

import (
	"testing"

	"github.com/ossemu/ossemu/osserr"
)

// FuzzParse checks that Parse never panics, that every refusal is an
// *osserr.Error with a 400 code, and that every accepted string's canonical
// form parses back to an equal value.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(fuzzOne)
}

// TestFuzzSeedsParse keeps the fuzz seeds valid, so fuzzing starts from
// accepted strings and explores the round trip, not only refusals.
func TestFuzzSeedsParse(t *testing.T) {
	t.Parallel()
	for _, s := range fuzzSeeds() {
		mustParse(t, s)
	}
}

func fuzzSeeds() []string {
	return []string{
		"video/concat,ss_10000,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_cHJlLm1vdgo/sur,o_c3VyMS5hYWMK,t_10000|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqLnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0",
		seedConcatStyle("concat1.mp4", "concat2.mp4") + "|sys/saveas,b_ZXhhbXBsZWJ1Y2tldA,o_ZGVzdC5tcDQ/notify,topic_QXVkaW9Db252ZXJ0",
		"video/sprite,f_jpg,sw_200,sh_150,inter_2000,tw_3,th_3,pad_0,margin_0|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LXtpbmRleH0ue2F1dG9leHR9Cg/notify,topic_ZXhhbXBsZS1tbnMtdG9waWMK",
		"video/sprite,f_jpg,m_avg,psw_10,psh_10,scaletype_fit,tw_10,th_10,pad_4,margin_5|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LXtpbmRleH0ue2F1dG9leHR9Cg/notify,topic_ZXhhbXBsZS1tbnMtdG9waWMK",
		"video/sprite,f_jpg,sw_100,sh_100,inter_10000,tw_10,th_10,pad_0,margin_0|sys/saveas,b_ZXhhbXBsZWJ1Y2tldA==,o_ZXhhbXBsZS5qcGc=/notify,topic_QXVkaW9Db252ZXJ0",
		"video/sprite,ss_500,f_png,m_dhash,thr_20,num_9,inter_100,psw_50,sh_64,scaletype_crop|sys/saveas,o_e2Rpcm5hbWV9L3t7e2luZGV4fX19",
		"video/concat,f_mkv,vcodec_vp9,fps_29.97,fpsopt_1,pixfmt_yuv444p10le,s_x720,sopt_2,scaletype_fill,arotate_1,g_30,crf_23.5,maxrate_2000000,bufsize_4000000,acodec_flac,ar_96000,ac_8,aq_50,adepth_24/sur,o_Pz8/,ss_1,t_2/segment,f_mp4,t_60000|sys/saveas,o_Pz8+Pg==|notify,topic_dA",
		"video/concat,f_mp3,vn_1,an_0,acodec_mp3,ab_128000,abopt_2|sys/saveas,o_YQ",
		"video/concat,f_mp4,vcodec_h264,an_1,vb_100000,vbopt_1|sys/saveas,o_YQ",
	}
}

func fuzzOne(t *testing.T, s string) {
	p, err := Parse(s)
	if err != nil {
		e, ok := osserr.As(err)
		if !ok || e.Code.Status != 400 {
			t.Fatalf("Parse(%q): error %v is not a 400 *osserr.Error", s, err)
		}
		return
	}
	canon := p.String()
	q, err := Parse(canon)
	if err != nil {
		t.Fatalf("Parse(%q) ok, but its String %q fails: %v", s, canon, err)
	}
	if !pipelinesEqual(p, q) {
		t.Fatalf("round trip differs:\n in   %q\n canon %q\n p %+v\n q %+v", s, canon, p, q)
	}
	if q.String() != canon {
		t.Fatalf("String is not canonical: %q then %q", canon, q.String())
	}
}
