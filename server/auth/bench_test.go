package auth

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
)

// BenchmarkVerify measures Verify per signing mode and reports its cost as a
// ratio to the v2 SDK signing the same request (measured in the same run),
// the least work any verifier must do. There is no threshold: the numbers
// are for reading.
func BenchmarkVerify(b *testing.B) {
	obj := Resource{"media", "dir/clip 1.mp4"}
	const target = "http://127.0.0.1/media/dir/clip%201.mp4?versionId=v1&uploadId=U1&partNumber=3"
	v := liveVerifier(0)
	for _, m := range allModes {
		b.Run(string(m), func(b *testing.B) {
			r := signReq(b, m, testID, testSecret, "PUT", target, obj, 0, time.Hour)
			start := time.Now()
			for range b.N {
				if err := v.Verify(r, obj); err != nil {
					b.Fatal(err)
				}
			}
			verify := time.Since(start)

			cred := credentials.Credentials{AccessKeyID: testID, AccessKeySecret: testSecret}
			var s signer.Signer = &signer.SignerV1{}
			if m == v4Header || m == v4Query {
				s = &signer.SignerV4{}
			}
			start = time.Now()
			for range b.N {
				req := httptest.NewRequest("PUT", target, nil)
				req.Header.Set("Content-Type", "video/mp4")
				sc := &signer.SigningContext{Request: req, Credentials: &cred, Bucket: &obj.Bucket, Key: &obj.Key,
					Product: ptrTo("oss"), Region: ptrTo("cn-hangzhou"), AuthMethodQuery: m == v1Query || m == v4Query}
				if err := s.Sign(context.Background(), sc); err != nil {
					b.Fatal(err)
				}
			}
			sign := time.Since(start)
			b.ReportMetric(float64(verify)/float64(sign), "x-sdk-sign")
		})
	}
}
