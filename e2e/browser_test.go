//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's Chromium ($CUSTOPS_CHROMIUM overrides). Missing is a failure: the
// README's test command installs it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CUSTOPS_CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium not found (scripts/install-chromium.sh installs Debian's package): %v", err)
	}
	return p
}

// headless runs Chromium on url with extra args and returns its stdout.
func headless(t *testing.T, url string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, chromium(t), append(append(base, args...), url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestPagesInBrowser loads the exporter's pages in a real headless Chromium: the customer list
// renders every demo customer with a link to its ticket list, the ticket list renders its table,
// and the ticket page fits a 1920x1080 screenshot.
func TestPagesInBrowser(t *testing.T) {
	base := startDemo(t, "--demo.scenario=breach-soon")

	dom := string(headless(t, base+"/customers", "--dump-dom"))
	if n := strings.Count(dom, "<tr data-customer="); n < 8 {
		t.Errorf("customer list shows %d customers, want 8:\n%s", n, dom)
	}
	if !strings.Contains(dom, `href="/customers/northwind/tickets"`) {
		t.Errorf("customer list has no link to northwind's tickets")
	}

	dom = string(headless(t, base+"/customers/northwind/tickets", "--dump-dom"))
	if !strings.Contains(dom, "<table id=\"tickets\">") || !strings.Contains(dom, "<tr data-key=") {
		t.Errorf("ticket list rendered no tickets:\n%.2000s", dom)
	}
	if !strings.Contains(dom, "First response: ") || !strings.Contains(dom, "incident") {
		t.Errorf("the breach-soon P1 incident and its First response clock are not shown")
	}

	shot := filepath.Join(t.TempDir(), "tickets.png")
	headless(t, base+"/customers/northwind/tickets", "--window-size=1920,1080", "--screenshot="+shot)
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("screenshot is not a PNG (%d bytes)", len(png))
	}
	if dir := os.Getenv("CUSTOPS_SCREENSHOT_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "tickets.png"), png, 0o644)
	}
}
