package manifests

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/dashboards"
	"github.com/custops/custops/links"
)

// committed reads a file under deploy/ as committed.
func committed(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "deploy", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("%v (run: go generate ./internal/generate)", err)
	}
	return b
}

// readRepoFile reads a file at the repository's root.
func readRepoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// docs decodes every YAML document of a committed file.
func docs(t *testing.T, rel string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(committed(t, rel)))
	var out []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if err.Error() == "EOF" {
				return out
			}
			t.Fatalf("%s: %v", rel, err)
		}
		out = append(out, d)
	}
}

func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestPrometheusRuleEqualsGeneratedRules(t *testing.T) {
	rule := docs(t, "kubernetes/base/prometheusrule.yaml")[0]
	var fromFile struct {
		Groups []any `yaml:"groups"`
	}
	if err := yaml.Unmarshal(committed(t, "prometheus/rules/custops.rules.yml"), &fromFile); err != nil {
		t.Fatal(err)
	}
	got, _ := yaml.Marshal(dig(rule, "spec", "groups"))
	want, _ := yaml.Marshal(fromFile.Groups)
	if len(fromFile.Groups) == 0 || !bytes.Equal(got, want) {
		t.Errorf("PrometheusRule groups differ from deploy/prometheus/rules/custops.rules.yml")
	}
}

func TestDashboardsConfigMapHoldsEveryBoard(t *testing.T) {
	cm := docs(t, "kubernetes/base/dashboards-configmap.yaml")[0]
	if dig(cm, "metadata", "labels", "grafana_dashboard") != "1" {
		t.Errorf("dashboards ConfigMap lacks the grafana_dashboard sidecar label")
	}
	files, err := dashboards.Files(dashboards.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	boards := 0
	for p, b := range files {
		if !strings.HasPrefix(p, "grafana/dashboards/") {
			continue
		}
		boards++
		name := p[strings.LastIndexByte(p, '/')+1:]
		if got, _ := dig(cm, "data", name).(string); got != string(b) {
			t.Errorf("ConfigMap data %s differs from the generated board", name)
		}
	}
	if boards < 3 {
		t.Errorf("only %d boards generated", boards)
	}
}

func TestPortsAndImagesAgree(t *testing.T) {
	port := strings.TrimPrefix(links.DefaultListenAddress, ":")
	dep := docs(t, "kubernetes/base/deployment.yaml")[0]
	c := dig(dep, "spec", "template", "spec", "containers", 0)
	if got := dig(c, "ports", 0, "containerPort"); got != mustAtoi(t, port) {
		t.Errorf("containerPort %v, want the binary's default %s", got, port)
	}
	if args := strings.Join(toStrings(dig(c, "args")), " "); !strings.Contains(args, "--web.listen-address=:"+port) || !strings.Contains(args, "--config.file=") {
		t.Errorf("container args %q do not use the binary's flags", args)
	}
	live := strings.Join(toStrings(dig(c, "livenessProbe", "exec", "command")), " ")
	ready := strings.Join(toStrings(dig(c, "readinessProbe", "exec", "command")), " ")
	if want := Binary + " healthcheck --url=http://127.0.0.1:" + port; !strings.HasPrefix(live, want+"/-/healthy") || !strings.HasPrefix(ready, want+"/-/ready") {
		t.Errorf("probes %q and %q must run the healthcheck on /-/healthy and /-/ready of the binary's port", live, ready)
	}
	if dig(dep, "spec", "strategy", "type") != "Recreate" || dig(dep, "spec", "replicas") != 1 {
		t.Errorf("the exporter must be a single writer: replicas 1, strategy Recreate")
	}
	svc := docs(t, "kubernetes/base/service.yaml")[0]
	if got := dig(svc, "spec", "ports", 0, "port"); got != mustAtoi(t, port) {
		t.Errorf("Service port %v, want %s", got, port)
	}
	comp := docs(t, "docker-compose.yml")[0]
	cust := dig(comp, "services", "custops")
	if p := dig(cust, "ports", 0); p != "127.0.0.1:"+port+":"+port {
		t.Errorf("compose publishes %v, want the binary's port %s", p, port)
	}
	if img := dig(cust, "image"); img != dig(c, "image") {
		t.Errorf("compose image %v and Kubernetes image %v differ", img, dig(c, "image"))
	}
	prom := docs(t, "prometheus/prometheus.yml")[0]
	if tgt := dig(prom, "scrape_configs", 0, "static_configs", 0, "targets", 0); tgt != "custops:"+port {
		t.Errorf("Prometheus scrapes %v, want custops:%s", tgt, port)
	}
	if job := dig(prom, "scrape_configs", 0, "job_name"); job != alerts.DefaultOptions().JobName {
		t.Errorf("scrape job %v differs from the job the alerts expect (%s)", job, alerts.DefaultOptions().JobName)
	}
	for name, svc := range dig(comp, "services").(map[string]any) {
		img, _ := dig(svc, "image").(string)
		if !regexp.MustCompile(`:[v0-9][0-9.]+`).MatchString(img) {
			t.Errorf("compose service %s image %q is not pinned to a version", name, img)
		}
	}
}

// secretish matches values that look like an inline credential.
var secretish = regexp.MustCompile(`(?i)(token|password|secret|api[_-]?key)["']?\s*[:=]\s*["']?[A-Za-z0-9+/_\-]{8,}`)

func TestNoInlineSecrets(t *testing.T) {
	err := filepath.Walk(filepath.Join("..", "deploy"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if m := secretish.FindString(line); m != "" && !strings.Contains(line, "_env") && !strings.Contains(line, "${") {
				t.Errorf("%s: looks like an inline secret: %s", path, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDockerfile checks what can be checked without a Docker daemon: pinned bases, a non-root
// final stage, a health check, and the same build command CI runs.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1)
	if len(froms) < 2 {
		t.Fatalf("want a multi-stage build, found %d FROM lines", len(froms))
	}
	for _, f := range froms {
		img := f[1]
		if !strings.Contains(img, ":") || strings.HasSuffix(img, ":latest") {
			t.Errorf("base image %s is not pinned", img)
		}
	}
	if !strings.Contains(froms[0][1], "golang:1.26.8") {
		t.Errorf("build stage %s does not use the Go version of go.mod (1.26.8)", froms[0][1])
	}
	final := df[strings.LastIndex(df, "\nFROM"):]
	user := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindStringSubmatch(final)
	if user == nil || strings.HasPrefix(user[1], "0") || strings.HasPrefix(user[1], "root") {
		t.Errorf("final stage does not run as non-root: %v", user)
	}
	if !strings.Contains(final, "HEALTHCHECK") || !strings.Contains(final, "/-/healthy") {
		t.Errorf("final stage has no HEALTHCHECK on /-/healthy")
	}
	if !strings.Contains(df, "bash scripts/build.sh") {
		t.Errorf("the image does not build with scripts/build.sh, the command CI runs")
	}
	harness, err := os.ReadFile(filepath.Join("..", "e2e", "harness_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(harness, []byte(`"../scripts/build.sh"`)) {
		t.Errorf("the end-to-end tests do not build with scripts/build.sh, so the image would build something untested")
	}
	if !strings.Contains(df, "EXPOSE "+strings.TrimPrefix(links.DefaultListenAddress, ":")) {
		t.Errorf("Dockerfile does not expose the binary's default port")
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
