package testutil

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// VerifyMNSPush checks a push's signature the way MNS documents receivers
// should: fetch the certificate named (base64) in x-mns-signing-cert-url
// and verify Authorization, an RSA-SHA1 signature of
// POST\nContent-MD5\nContent-Type\nDate\n<x-mns-* lines>\n<path>.
func VerifyMNSPush(header http.Header, path string) error {
	var mns []string
	for k, v := range header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-mns-") {
			mns = append(mns, lk+":"+v[0])
		}
	}
	sort.Strings(mns)
	s := fmt.Sprintf("POST\n%s\n%s\n%s\n%s\n%s", header.Get("Content-MD5"), header.Get("Content-Type"),
		header.Get("Date"), strings.Join(mns, "\n"), path)
	certURL, err := base64.StdEncoding.DecodeString(header.Get("x-mns-signing-cert-url"))
	if err != nil {
		return err
	}
	resp, err := http.Get(string(certURL))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("certificate: HTTP %d", resp.StatusCode)
	}
	pemBytes, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "CERTIFICATE" {
		return fmt.Errorf("certificate is not a PEM CERTIFICATE")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(header.Get("Authorization"))
	if err != nil {
		return err
	}
	sum := sha1.Sum([]byte(s))
	return rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA1, sum[:], sig)
}
