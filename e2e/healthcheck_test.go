//go:build e2e

package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestHealthcheckBehindTLSAndBasicAuth runs the binary as the image and the Kubernetes probes
// do (issue 13, item 8): `custops serve` with its web config (TLS and basic auth) given by
// CUSTOPS_WEB_CONFIG_FILE, and `custops healthcheck` with only the probes' command line and the
// three environment variables. It passes on /-/healthy, and fails without the password.
func TestHealthcheckBehindTLSAndBasicAuth(t *testing.T) {
	bin := buildCustops(t)
	dir := t.TempDir()
	cert, key := certPair(t, dir)
	webConfig := filepath.Join(dir, "web.yml")
	// bcrypt("probe-password"), as a web config holds it.
	write(t, webConfig, []byte(fmt.Sprintf("tls_server_config: {cert_file: %s, key_file: %s}\nbasic_auth_users:\n  probe: $2a$10$ztm/gNzOVJBmfjryNUuUH.Nt.nvfiRZu.wc4VfNJHgnFc2ZLCCuvy\n", cert, key)))
	password := filepath.Join(dir, "password")
	write(t, password, []byte("probe-password\n"))
	cfgFile := filepath.Join(dir, "custops.yml")
	write(t, cfgFile, []byte(fmt.Sprintf(`state_dir: %s
sources:
  - {name: jsm, type: jira, url: "http://127.0.0.1:1", auth: {email: ops@example.com, token_env: CUSTOPS_E2E_TOKEN}}
customers:
  - {id: northwind, tier: gold, match: {organization: [Northwind Payments]}}
tiers:
  gold: {}
`, filepath.Join(dir, "state"))))
	t.Setenv("CUSTOPS_E2E_TOKEN", "not-a-real-token")
	t.Setenv("CUSTOPS_WEB_CONFIG_FILE", webConfig) // read by serve and by the healthcheck
	port := freePort(t)
	start(t, "custops", bin, "serve", "--config.file="+cfgFile, "--web.listen-address=127.0.0.1:"+port)

	probe := func(env ...string) (int, string) {
		cmd := exec.Command(bin, "healthcheck", "--url=http://127.0.0.1:"+port+"/-/healthy")
		cmd.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	}
	creds := []string{"CUSTOPS_HEALTHCHECK_USERNAME=probe", "CUSTOPS_HEALTHCHECK_PASSWORD_FILE=" + password}
	waitFor(t, "the probe to pass over TLS and basic auth", time.Minute, func() (bool, error) {
		code, out := probe(creds...)
		return code == 0, fmt.Errorf("exit %d: %s", code, out)
	})
	if code, out := probe(); code == 0 {
		t.Errorf("the probe passed without credentials: %s", out)
	}
	if code, out := probe("CUSTOPS_WEB_CONFIG_FILE="); code == 0 {
		t.Errorf("the probe passed over plain HTTP to a TLS exporter: %s", out)
	}
}

// certPair writes a self-signed certificate for "exporter" and its key into dir.
func certPair(t *testing.T, dir string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "exporter"}, DNSNames: []string{"exporter"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "exporter.crt"), filepath.Join(dir, "exporter.key")
	write(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	write(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}))
	return certFile, keyFile
}
