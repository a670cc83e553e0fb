//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// attackerPage is what another site serves to the operator's browser: a form that posts itself
// to target, and fetches in every shape a page may send without CORS approval.
func attackerPage(target string) string {
	return fmt.Sprintf(`<!doctype html><html><body>
<form id="f" method="POST" action="%[1]s" enctype="text/plain"><input name="x" value="y"></form>
<iframe name="sink" style="display:none"></iframe>
<script>
const u = %[1]q;
fetch(u, {method: "POST", mode: "no-cors", credentials: "include", body: "{}"}).catch(() => {});
fetch(u, {method: "POST", mode: "no-cors", credentials: "include", headers: {"Content-Type": "text/plain"}, body: "{}"}).catch(() => {});
fetch(u, {method: "POST", credentials: "include", headers: {"Content-Type": "application/json"}, body: "{}"}).catch(() => {});
fetch(u, {method: "PUT", credentials: "include"}).catch(() => {});
setTimeout(() => { document.getElementById("f").target = "sink"; document.getElementById("f").submit(); }, 200);
</script><p id="done">sent</p></body></html>`, target)
}

// visitAttacker serves the attacker page on another site (localhost, while the exporter is on
// 127.0.0.1) and opens it in headless Chromium, letting its scripts and the form run.
func visitAttacker(t *testing.T, target string) {
	t.Helper()
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(attackerPage(target)))
	}))
	defer evil.Close()
	page := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)
	dom := string(headless(t, page, "--dump-dom", "--virtual-time-budget=5000"))
	if !strings.Contains(dom, `id="done"`) {
		t.Fatalf("the attacker page did not load:\n%.1000s", dom)
	}
}

// TestCrossSiteCannotChangeState opens a page of another site in a real browser that posts a
// form and fetches the exporter's state-changing endpoints: the demo's desk switch and, on
// `custops serve --web.enable-lifecycle`, the config reload. Neither happens; the same request
// sent as a person's curl does, proving the probe would see it.
func TestCrossSiteCannotChangeState(t *testing.T) {
	t.Run("demo switch", func(t *testing.T) {
		port := freePort(t)
		base := "http://127.0.0.1:" + port
		p := start(t, "custops", buildCustops(t), "demo", "--web.listen-address=127.0.0.1:"+port,
			"--demo.state-dir="+filepath.Join(t.TempDir(), "state"), "--demo.poll-interval=1s")
		waitFor(t, "custops demo ready", time.Minute, func() (bool, error) { return httpOK(base + "/-/ready") })
		switched := func() bool {
			b, _ := os.ReadFile(p.log)
			return strings.Contains(string(b), "demo source switched")
		}

		visitAttacker(t, base+"/-/demo/sources/jsm/down")
		if switched() {
			t.Fatal("a cross-site page switched a demo desk down")
		}
		put(t, base+"/-/demo/sources/jsm/down")
		waitFor(t, "the switch a person sends", 10*time.Second, func() (bool, error) { return switched(), nil })
	})

	t.Run("reload", func(t *testing.T) {
		dir := t.TempDir()
		cfgFile := filepath.Join(dir, "custops.yml")
		// A desk that is never reachable: the server runs, its polls fail, reload is offered.
		valid := fmt.Sprintf(`state_dir: %s
sources:
  - {name: jsm, type: jira, url: "http://127.0.0.1:1", auth: {email: ops@example.com, token_env: CUSTOPS_E2E_TOKEN}}
customers:
  - {id: northwind, tier: gold, match: {organization: [Northwind Payments]}}
tiers:
  gold: {}
`, filepath.Join(dir, "state"))
		write(t, cfgFile, []byte(valid))
		t.Setenv("CUSTOPS_E2E_TOKEN", "not-a-real-token")
		port := freePort(t)
		base := "http://127.0.0.1:" + port
		start(t, "custops", buildCustops(t), "serve", "--config.file="+cfgFile,
			"--web.listen-address=127.0.0.1:"+port, "--web.enable-lifecycle")
		waitFor(t, "custops serve healthy", time.Minute, func() (bool, error) { return httpOK(base + "/-/healthy") })
		reloadOK := func() string {
			for _, line := range strings.Split(string(scrape(t, base)), "\n") {
				if strings.HasPrefix(line, "custops_config_last_reload_successful ") {
					return strings.TrimPrefix(line, "custops_config_last_reload_successful ")
				}
			}
			return "absent"
		}
		// An invalid file on disk: a reload that happens shows as a failed reload.
		write(t, cfgFile, []byte(valid+"bogus_key: 1\n"))

		visitAttacker(t, base+"/-/reload")
		if got := reloadOK(); got != "1" {
			t.Fatalf("after the cross-site page, custops_config_last_reload_successful = %s, want 1 (no reload)", got)
		}
		req, _ := http.NewRequest(http.MethodPut, base+"/-/reload", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := reloadOK(); resp.StatusCode != http.StatusInternalServerError || got != "0" {
			t.Errorf("a person's PUT of an invalid config: status %d, reload_successful %s; want 500 and 0", resp.StatusCode, got)
		}
	})
}
