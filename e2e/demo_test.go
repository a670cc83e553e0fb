//go:build e2e

package e2e

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/internal/demo/sim"
	"github.com/custops/custops/internal/tools"
)

// startDemo runs `custops demo` on a free port and waits until it is ready. It polls every
// second unless args set --demo.poll-interval.
func startDemo(t *testing.T, args ...string) string {
	t.Helper()
	port := freePort(t)
	base := "http://127.0.0.1:" + port
	flags := []string{"demo", "--web.listen-address=127.0.0.1:" + port, "--demo.state-dir=" + filepath.Join(t.TempDir(), "state")}
	if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--demo.poll-interval=") }) {
		flags = append(flags, "--demo.poll-interval=1s") // a test may set its own
	}
	start(t, "custops", buildCustops(t), append(flags, args...)...)
	waitFor(t, "custops demo ready", time.Minute, func() (bool, error) { return httpOK(base + "/-/ready") })
	return base
}

func scrape(t *testing.T, base string) []byte {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDemoExposition scrapes the real binary running the demo: the exposition passes promtool's
// linter, every catalogue metric is present, and no customer exceeds the series budget (150 plus
// the category breakdown's top_categories + 1 plus the teams' series: catalog.SeriesBudget, with
// the demo's teams and categories on).
func TestDemoExposition(t *testing.T) {
	base := startDemo(t)
	body := scrape(t, base)

	cmd := exec.Command(tools.Require(t, "promtool"), "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range catalog.Catalogue {
		if _, ok := families[name]; !ok {
			t.Errorf("the demo does not expose %s", name)
		}
	}
	perCustomer := map[string]int{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() != catalog.LabelCustomer {
					continue
				}
				n := 1
				if s := m.GetSummary(); s != nil {
					n += len(s.GetQuantile()) + 1
				}
				perCustomer[l.GetValue()] += n
			}
		}
	}
	if len(perCustomer) < 8 {
		t.Errorf("demo exposes %d customers, want at least 8", len(perCustomer))
	}
	demo := sim.DemoConfig()
	budget := catalog.SeriesBudget(demo.TopCategories, len(demo.Teams), demo.OLATeams())
	for c, n := range perCustomer {
		if n > budget {
			t.Errorf("customer %s has %d series, over the budget of %d", c, n, budget)
		}
	}
	t.Logf("series per customer: %v", perCustomer)

	for _, forbidden := range []string{"SUP-", "@", "summary="} {
		for _, line := range strings.Split(string(body), "\n") {
			if !strings.HasPrefix(line, "#") && strings.Contains(line, forbidden) {
				t.Errorf("a label holds ticket detail (%q): %s", forbidden, line)
			}
		}
	}
}
