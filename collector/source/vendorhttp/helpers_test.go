package vendorhttp

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	promconfig "github.com/prometheus/common/config"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/sourcetest"
)

// t0 is the tests' "now".
var t0 = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

const (
	testUser  = "ops@example.com"
	testToken = "vh-s3cr3t-t0ken-never-printed"
)

// harness is one client on a fake clock, with its counters and logs.
type harness struct {
	c     *Client
	clock *sourcetest.Clock
	stats *source.Stats
	logs  *bytes.Buffer
}

// newHarness builds a client for url with the token in an environment variable, basic auth as
// testUser, jitter pinned to 0.5 (backoffs of 375ms, 750ms, 1.5s, 3s) and no pacing unless mod
// sets Limits.
func newHarness(t testing.TB, url string, mod func(*Options)) *harness {
	t.Helper()
	t.Setenv("CUSTOPS_TEST_VH_TOKEN", testToken)
	o := Options{
		Vendor: "jira", Source: "jsm", URL: url, HTTP: promconfig.DefaultHTTPClientConfig,
		Credential: Credential{BasicUser: testUser, Token: config.Auth{TokenEnv: "CUSTOPS_TEST_VH_TOKEN"}},
		Timeout:    5 * time.Second,
		AuthHint:   ": check auth",
	}
	if mod != nil {
		mod(&o)
	}
	h := &harness{clock: sourcetest.NewClock(t0), stats: source.NewStats(), logs: &bytes.Buffer{}}
	c, err := New(o, source.Deps{
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Stats:  h.stats, Now: h.clock.Now, Sleep: h.clock.Sleep, Jitter: func() float64 { return 0.5 },
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.c = c
	return h
}

// get asks for /rest/x and decodes {"ok": true}.
func (h *harness) get() (bool, error) {
	var out struct {
		OK bool `json:"ok"`
	}
	err := h.c.Get(context.Background(), "x", "/rest/x", nil, &out)
	return out.OK, err
}

func (h *harness) count(code string) float64 {
	for _, r := range h.stats.Requests() {
		if r.Endpoint == "x" && r.Code == code {
			return r.Count
		}
	}
	return 0
}

// pki is a private CA with a server certificate for 127.0.0.1 and a client certificate, as PEM
// files in a temporary directory.
type pki struct {
	pool                  *x509.CertPool
	caFile                string
	serverCert, serverKey []byte
	clientFile, clientKey string
	otherCAFile           string // a CA that signed nothing here
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	ca, caKey := selfSigned(t, "custops test CA")
	other, _ := selfSigned(t, "another CA")
	srv, srvKey := issue(t, ca, caKey, "jira.test", true)
	cli, cliKey := issue(t, ca, caKey, "custops", false)
	p := &pki{pool: x509.NewCertPool(), serverCert: certPEM(srv), serverKey: keyPEM(t, srvKey)}
	p.pool.AddCert(ca)
	p.caFile = write(t, dir, "ca.pem", certPEM(ca))
	p.otherCAFile = write(t, dir, "other-ca.pem", certPEM(other))
	p.clientFile = write(t, dir, "client.pem", certPEM(cli))
	p.clientKey = write(t, dir, "client-key.pem", keyPEM(t, cliKey))
	return p
}

func selfSigned(t *testing.T, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string, server bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func keyPEM(t *testing.T, k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func write(t *testing.T, dir, name string, b []byte) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func sourceDeps() source.Deps { return source.Deps{} }
