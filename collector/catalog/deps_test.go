package catalog

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestGeneratorsDependOnTheCatalogue: dashboards/ and alerts/ spell metric names, label values and
// PromQL through this package and import nothing of the exporter's runtime. client_golang may
// reach them only through Prometheus's own promql parser and rulefmt, which they use to format
// and check what they generate.
func TestGeneratorsDependOnTheCatalogue(t *testing.T) {
	const module = "github.com/custops/custops/"
	allowed := []string{module + "collector/catalog", module + "internal/yamlfile", module + "links"}
	for _, pkg := range []string{"dashboards", "alerts"} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		imports := map[string][]string{}
		for line := range strings.Lines(string(out)) {
			f := strings.Fields(line)
			imports[f[0]] = f[1:]
		}
		if !slices.Contains(imports[module+pkg], module+"collector/catalog") {
			t.Errorf("%s does not import the catalogue", pkg)
		}
		for p, imps := range imports {
			if strings.HasPrefix(p, module) && p != module+pkg && !slices.Contains(allowed, p) {
				t.Errorf("%s depends on %s, a package of the exporter", pkg, p)
			}
			if slices.Contains(imps, "github.com/prometheus/client_golang/prometheus") && !strings.HasPrefix(p, "github.com/prometheus/prometheus/") {
				t.Errorf("%s reaches client_golang through %s; only Prometheus's own parser may bring it", pkg, p)
			}
		}
	}
}
