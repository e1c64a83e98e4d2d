package notifier

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// Key and certificate file names under Config.DataDir.
const (
	KeyFile  = "mns-signing-key.pem"
	CertFile = "mns-signing-cert.pem"
)

// Signer holds the RSA key that signs HTTP pushes, as MNS signs them, and
// the self-signed certificate receivers fetch to verify them. The pair is
// generated on first start and persisted so receivers that cache the
// certificate keep working across restarts.
type Signer struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// LoadSigner reads the key pair from dir, generating and saving it first if
// it is not there.
func LoadSigner(dir string) (*Signer, error) {
	keyPath, certPath := filepath.Join(dir, KeyFile), filepath.Join(dir, CertFile)
	keyPEM, kerr := os.ReadFile(keyPath)
	certPEM, cerr := os.ReadFile(certPath)
	if errors.Is(kerr, fs.ErrNotExist) && errors.Is(cerr, fs.ErrNotExist) {
		return generateSigner(dir, keyPath, certPath)
	}
	if kerr != nil || cerr != nil {
		return nil, fmt.Errorf("notifier: read signing key pair in %s: %w", dir, errors.Join(kerr, cerr))
	}
	kb, _ := pem.Decode(keyPEM)
	cb, _ := pem.Decode(certPEM)
	if kb == nil || cb == nil {
		return nil, fmt.Errorf("notifier: %s or %s is not PEM", keyPath, certPath)
	}
	key, err := x509.ParsePKCS1PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("notifier: parse %s: %w", keyPath, err)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("notifier: parse %s: %w", certPath, err)
	}
	return &Signer{key: key, cert: cert}, nil
}

func generateSigner(dir, keyPath, certPath string) (*Signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "ossemu MNS notification signing", Organization: []string{"ossemu"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Write the certificate last: a crash between the two writes leaves a key
	// without a certificate, which LoadSigner reports instead of silently
	// replacing a key receivers may already trust.
	if err := writeFileAtomic(keyPath, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(certPath, certPEM, 0o644); err != nil {
		return nil, err
	}
	return &Signer{key: key, cert: cert}, nil
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Sign returns base64(RSA-SHA1-PKCS#1 v1.5(stringToSign)), the value MNS puts
// in a push's Authorization header.
func (s *Signer) Sign(stringToSign string) (string, error) {
	sum := sha1.Sum([]byte(stringToSign))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA1, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Certificate is the parsed signing certificate, the one receivers fetch
// (as PEM) from the URL pushes name in x-mns-signing-cert-url.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }
