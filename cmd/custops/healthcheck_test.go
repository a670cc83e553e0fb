package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

// probePasswordHash is bcrypt("probe-password"), as a web config's basic_auth_users holds it.
const probePasswordHash = "$2a$10$ztm/gNzOVJBmfjryNUuUH.Nt.nvfiRZu.wc4VfNJHgnFc2ZLCCuvy"

// TestHealthcheckTLSAndBasicAuth serves /-/healthy through exporter-toolkit with a web config of
// TLS and basic auth, as `custops serve --web.config.file` does, and runs `custops healthcheck`
// against it: it passes with the same web config and the password file (by flags or by the
// environment variables the image and the probes set), and fails without them, with the wrong
// password, or when the exporter presents another certificate than its web config names.
func TestHealthcheckTLSAndBasicAuth(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir, "exporter")
	otherCert, otherKey := selfSigned(t, dir, "other")
	webConfig := writeTemp(t, dir, "web.yml", "tls_server_config:\n  cert_file: "+filepath.Base(cert)+"\n  key_file: "+filepath.Base(key)+
		"\nbasic_auth_users:\n  probe: "+probePasswordHash+"\n")
	// The same server settings with another key pair: what a check that trusts the wrong
	// certificate would see.
	otherConfig := writeTemp(t, dir, "other-web.yml", "tls_server_config:\n  cert_file: "+otherCert+"\n  key_file: "+otherKey+
		"\nbasic_auth_users:\n  probe: "+probePasswordHash+"\n")
	password := writeTemp(t, dir, "password", "probe-password\n")
	wrong := writeTemp(t, dir, "wrong", "guess\n")
	url := serveTLS(t, webConfig) + "/-/healthy"
	plain := strings.Replace(url, "https://", "http://", 1)

	cases := []struct {
		name string
		args []string
		env  map[string]string
		want int
		says string
	}{
		{"web config and password file", []string{"--url=" + plain, "--web.config.file=" + webConfig, "--auth.username=probe", "--auth.password-file=" + password}, nil, 0, ""},
		{"from the environment", []string{"--url=" + plain}, map[string]string{
			envWebConfig: webConfig, envUsername: "probe", envPasswordFile: password}, 0, ""},
		{"CA and server name", []string{"--url=" + url, "--tls.ca-file=" + cert, "--tls.server-name=exporter", "--auth.username=probe", "--auth.password-file=" + password}, nil, 0, ""},
		{"plain HTTP to a TLS exporter", []string{"--url=" + plain}, nil, 1, "healthcheck:"},
		{"no password", []string{"--url=" + plain, "--web.config.file=" + webConfig}, nil, 1, "asks for basic auth"},
		{"wrong password", []string{"--url=" + plain, "--web.config.file=" + webConfig, "--auth.username=probe", "--auth.password-file=" + wrong}, nil, 1, "401"},
		{"another certificate", []string{"--url=" + plain, "--web.config.file=" + otherConfig, "--auth.username=probe", "--auth.password-file=" + password}, nil, 1, "another certificate"},
		{"credentials in the URL", []string{"--url=https://probe:probe-password@" + strings.TrimPrefix(url, "https://")}, nil, 1, "must not carry credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			if got := run(append([]string{"healthcheck"}, tc.args...), &stdout, &stderr); got != tc.want {
				t.Fatalf("exit %d, want %d; stderr: %s", got, tc.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tc.says)
			}
			if strings.Contains(stderr.String(), "probe-password") {
				t.Errorf("stderr shows the password: %s", stderr.String())
			}
		})
	}
}

// serveTLS serves /-/healthy on a free loopback port with exporter-toolkit and the web config,
// and returns the base URL.
func serveTLS(t *testing.T, webConfig string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /-/healthy", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("Healthy")) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	flags := &web.FlagConfig{WebConfigFile: &webConfig}
	go func() { _ = web.Serve(l, srv, flags, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "https://" + l.Addr().String()
}

// selfSigned writes a self-signed certificate for name (and its key) into dir.
func selfSigned(t *testing.T, dir, name string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = writeTemp(t, dir, name+".crt", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	keyFile = writeTemp(t, dir, name+".key", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})))
	return certFile, keyFile
}

func writeTemp(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
