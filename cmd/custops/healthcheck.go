package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/exporter-toolkit/web"
	"gopkg.in/yaml.v3"
)

// Environment variables the healthcheck reads its flags from, so the image's HEALTHCHECK and the
// Kubernetes exec probes (fixed command lines) follow an exporter started with TLS or basic
// auth. CUSTOPS_WEB_CONFIG_FILE is also what `serve` and `demo` read --web.config.file from.
const (
	envWebConfig    = "CUSTOPS_WEB_CONFIG_FILE"
	envUsername     = "CUSTOPS_HEALTHCHECK_USERNAME"
	envPasswordFile = "CUSTOPS_HEALTHCHECK_PASSWORD_FILE"
)

// healthcheck is what `custops healthcheck` checks and how it reaches the exporter.
type healthcheck struct {
	URL string
	// WebConfig is the exporter's --web.config.file (exporter-toolkit format). With TLS in it,
	// the check speaks HTTPS and trusts exactly the certificate the exporter serves.
	WebConfig string
	// CAFile verifies the exporter's certificate against a CA instead (and ServerName, default
	// the URL's host, against it).
	CAFile, ServerName string
	// CertFile and KeyFile are the client certificate for an exporter whose client_auth_type
	// asks for one.
	CertFile, KeyFile string
	// Username and PasswordFile answer basic_auth_users: the web config holds only the bcrypt
	// hash, so the password comes from a file (trailing newline trimmed).
	Username, PasswordFile string
	Timeout                time.Duration
}

// addHealthcheckFlags defines the healthcheck command's flags.
func addHealthcheckFlags(cmd *kingpin.CmdClause, defaultURL string) *healthcheck {
	h := &healthcheck{}
	cmd.Flag("url", "Endpoint to check; its scheme becomes https when the web config enables TLS.").Default(defaultURL).StringVar(&h.URL)
	cmd.Flag("web.config.file", "The exporter's web config (TLS and basic auth, exporter-toolkit format), to reach it as it is served.").
		Envar(envWebConfig).Default("").StringVar(&h.WebConfig)
	cmd.Flag("tls.ca-file", "CA to verify the exporter's certificate with, instead of trusting the certificate its web config names.").Default("").StringVar(&h.CAFile)
	cmd.Flag("tls.server-name", "Name to verify the exporter's certificate for, with --tls.ca-file; default the URL's host.").Default("").StringVar(&h.ServerName)
	cmd.Flag("tls.cert-file", "Client certificate, for an exporter that asks for one (client_auth_type).").Default("").StringVar(&h.CertFile)
	cmd.Flag("tls.key-file", "Key of --tls.cert-file.").Default("").StringVar(&h.KeyFile)
	cmd.Flag("auth.username", "Basic auth user, for an exporter with basic_auth_users.").Envar(envUsername).Default("").StringVar(&h.Username)
	cmd.Flag("auth.password-file", "File holding the basic auth password (never the bcrypt hash of the web config).").
		Envar(envPasswordFile).Default("").StringVar(&h.PasswordFile)
	cmd.Flag("timeout", "How long the check may take.").Default("5s").DurationVar(&h.Timeout)
	return h
}

// run GETs the URL and succeeds on 200.
func (h *healthcheck) run(stderr io.Writer) int {
	req, client, err := h.request()
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: %s answered %s\n", req.URL.Redacted(), resp.Status)
		return 1
	}
	return 0
}

// request builds the request and the client that reach the exporter as its web config serves.
func (h *healthcheck) request() (*http.Request, *http.Client, error) {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("--url %q is not an http(s) URL", h.URL)
	}
	if u.User != nil {
		return nil, nil, errors.New("--url must not carry credentials; use --auth.username and --auth.password-file")
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if h.WebConfig != "" {
		wc, err := readWebConfig(h.WebConfig)
		if err != nil {
			return nil, nil, err
		}
		if wc.TLSConfig.IsEnabled() {
			u.Scheme = "https"
			if h.CAFile == "" {
				if err := pinServerCert(tc, &wc.TLSConfig); err != nil {
					return nil, nil, fmt.Errorf("web config %s: %w", h.WebConfig, err)
				}
			}
		}
		if len(wc.Users) > 0 && (h.Username == "" || h.PasswordFile == "") {
			return nil, nil, fmt.Errorf("web config %s asks for basic auth: give --auth.username and --auth.password-file (or %s and %s)",
				h.WebConfig, envUsername, envPasswordFile)
		}
	}
	if h.CAFile != "" {
		pem, err := os.ReadFile(h.CAFile)
		if err != nil {
			return nil, nil, fmt.Errorf("--tls.ca-file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("--tls.ca-file %s holds no PEM certificate", h.CAFile)
		}
		tc.ServerName = h.ServerName
	}
	if h.CertFile != "" || h.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(h.CertFile, h.KeyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("--tls.cert-file/--tls.key-file: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	if h.Username != "" || h.PasswordFile != "" {
		password, err := readPasswordFile(h.PasswordFile)
		if err != nil {
			return nil, nil, err
		}
		req.SetBasicAuth(h.Username, password)
	}
	client := &http.Client{
		Timeout:   h.Timeout,
		Transport: &http.Transport{TLSClientConfig: tc, Proxy: nil},
		// A redirect would carry the credentials elsewhere; an exporter does not redirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return req, client, nil
}

// readWebConfig reads the exporter's web config as the exporter does: web.Validate checks it,
// and cert and key paths are relative to the file.
func readWebConfig(path string) (*web.Config, error) {
	if err := web.Validate(path); err != nil {
		return nil, fmt.Errorf("web config %s: %w", path, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("web config: %w", err)
	}
	var c web.Config
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("web config %s: %w", path, err)
	}
	c.TLSConfig.SetDirectory(filepath.Dir(path))
	return &c, nil
}

// pinServerCert makes tc accept exactly the certificate the exporter serves (its web config's
// cert_file or cert), whatever name it is issued for: the check dials the exporter on loopback,
// where no name in the certificate would match.
func pinServerCert(tc *tls.Config, c *web.TLSConfig) error {
	certPEM := []byte(c.TLSCert)
	if c.TLSCertPath != "" {
		var err error
		if certPEM, err = os.ReadFile(c.TLSCertPath); err != nil {
			return err
		}
	}
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return errors.New("the server certificate is not PEM")
	}
	want := block.Bytes
	tc.InsecureSkipVerify = true // replaced by the comparison below, not skipped
	tc.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 || !bytes.Equal(raw[0], want) {
			return errors.New("the exporter presented another certificate than its web config names")
		}
		return nil
	}
	return nil
}

// readPasswordFile reads a basic auth password from a regular file of at most 4 KiB.
func readPasswordFile(path string) (string, error) {
	if path == "" {
		return "", errors.New("--auth.username needs --auth.password-file")
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("--auth.password-file: %w", err)
	}
	if !info.Mode().IsRegular() || info.Size() > 4<<10 {
		return "", fmt.Errorf("--auth.password-file %s is not a regular file of at most 4 KiB", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--auth.password-file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
