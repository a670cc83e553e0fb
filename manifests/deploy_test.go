package manifests

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/dashboards"
)

// kustomize builds a committed kustomization under deploy/ with the kustomize library that
// `kubectl apply -k` embeds, and returns its objects.
func kustomize(t *testing.T, dir string) []map[string]any {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join("..", "deploy", filepath.FromSlash(dir)))
	if err != nil {
		t.Fatalf("kustomize build deploy/%s: %v", dir, err)
	}
	var out []map[string]any
	for _, r := range m.Resources() {
		obj, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, obj)
	}
	return out
}

// only returns the one object of a kind.
func only(t *testing.T, objs []map[string]any, kind string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, o := range objs {
		if o["kind"] == kind {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d objects of kind %s, want 1", len(found), kind)
	}
	return found[0]
}

// volumeSources maps each volume of a pod spec to its source kind: "secret custops-tokens".
func volumeSources(pod any) map[string]string {
	out := map[string]string{}
	vols, _ := dig(pod, "volumes").([]any)
	for _, v := range vols {
		name, _ := dig(v, "name").(string)
		switch {
		case dig(v, "secret") != nil:
			out[name] = fmt.Sprintf("secret %v optional=%v", dig(v, "secret", "secretName"), dig(v, "secret", "optional"))
		case dig(v, "configMap") != nil:
			out[name] = "configMap"
		case dig(v, "persistentVolumeClaim") != nil:
			out[name] = "pvc"
		}
	}
	return out
}

func mountPaths(c any) map[string]string {
	out := map[string]string{}
	mounts, _ := dig(c, "volumeMounts").([]any)
	for _, m := range mounts {
		out[dig(m, "name").(string)] = dig(m, "mountPath").(string)
	}
	return out
}

// TestKubernetesProductionNeedsTheUsersSecret builds deploy/kubernetes as `kubectl apply -k`
// does: the exporter serves the config template, reads its tokens from the operator's Secret (not
// optional: no Secret, no pod) where the template looks for them, and nothing runs the demo.
func TestKubernetesProductionNeedsTheUsersSecret(t *testing.T) {
	objs := kustomize(t, "kubernetes")
	dep := only(t, objs, "Deployment")
	pod := dig(dep, "spec", "template", "spec")
	c := dig(pod, "containers", 0)
	args := toStrings(dig(c, "args"))
	if len(args) == 0 || args[0] != "serve" || slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, "demo") }) {
		t.Errorf("production container args %q, want serve and nothing of the demo", args)
	}
	vols := volumeSources(pod)
	if got, want := vols["tokens"], "secret "+TokenSecret+" optional=<nil>"; got != want {
		t.Errorf("tokens volume %q, want %q (a required Secret)", got, want)
	}
	if got := mountPaths(c)["tokens"]; got != TokenDir {
		t.Errorf("tokens mounted at %q, want %s where the config template reads them", got, TokenDir)
	}
	if dig(pod, "automountServiceAccountToken") != false {
		t.Errorf("the pod mounts a service account token custops never uses")
	}
	var cfgMap any
	for _, o := range objs {
		if name := fmt.Sprint(dig(o, "metadata", "name")); o["kind"] == "ConfigMap" && strings.HasPrefix(name, "custops-config-") {
			cfgMap = o
		}
	}
	if dig(cfgMap, "data", "custops.yml") != configTemplate {
		t.Errorf("the custops-config ConfigMap does not hold the config template")
	}
	for _, o := range objs {
		if ns := dig(o, "metadata", "namespace"); ns != nil && ns != DefaultOptions().Namespace {
			t.Errorf("%s %v in namespace %v", o["kind"], dig(o, "metadata", "name"), ns)
		}
	}
}

// TestKubernetesDemoOverlay builds deploy/kubernetes/demo: `custops demo` in a namespace of its
// own, needing neither the config nor the tokens.
func TestKubernetesDemoOverlay(t *testing.T) {
	objs := kustomize(t, "kubernetes/demo")
	dep := only(t, objs, "Deployment")
	pod := dig(dep, "spec", "template", "spec")
	c := dig(pod, "containers", 0)
	if args := toStrings(dig(c, "args")); !slices.Equal(args, toStrings(toAny(demoArgs(DefaultOptions())))) {
		t.Errorf("demo container args %q, want %v", args, demoArgs(DefaultOptions()))
	}
	if vols := volumeSources(pod); len(vols) != 1 || vols["state"] != "pvc" {
		t.Errorf("demo volumes %v, want only the state volume", vols)
	}
	if mounts := mountPaths(c); len(mounts) != 1 || mounts["state"] != StateDir {
		t.Errorf("demo mounts %v, want only the state volume at %s", mounts, StateDir)
	}
	ns := demoNamespace(DefaultOptions())
	if got := dig(only(t, objs, "Namespace"), "metadata", "name"); got != ns {
		t.Errorf("the overlay creates namespace %v, want %s", got, ns)
	}
	for _, o := range objs {
		if got := dig(o, "metadata", "namespace"); o["kind"] != "Namespace" && got != ns {
			t.Errorf("%s %v in namespace %v, want %s", o["kind"], dig(o, "metadata", "name"), got, ns)
		}
	}
}

// toAny turns a list into the []any that YAML decoding gives.
func toAny(l list) []any { return []any(l) }

// runsDemo matches what starts the demo or the simulator: the demo command as an argument, a demo
// flag, or a sim source.
var runsDemo = regexp.MustCompile(`(?m)^\s*-\s*"?demo"?\s*$|--demo\.|type:\s*sim\b`)

// TestNoProductionFileRunsTheDemo: of every generated file, only the demo overlay and the compose
// service of profile demo run the demo; the production config template is a real one.
func TestNoProductionFileRunsTheDemo(t *testing.T) {
	files, err := Files(DefaultOptions(), alerts.DefaultOptions(), dashboards.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for path, b := range files {
		switch {
		case strings.HasPrefix(path, "kubernetes/demo/"):
			if !runsDemo.Match(b) && path == "kubernetes/demo/kustomization.yaml" {
				t.Errorf("%s does not run the demo", path)
			}
		case path == "docker-compose.yml":
			var doc struct {
				Services map[string]struct {
					Profiles []string `yaml:"profiles"`
					Command  []string `yaml:"command"`
				} `yaml:"services"`
			}
			if err := yaml.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			demos := 0
			for name, svc := range doc.Services {
				if len(svc.Profiles) == 0 {
					t.Errorf("compose service %s has no profile: it would start without a choice", name)
				}
				if slices.Contains(svc.Command, "demo") {
					demos++
					if !slices.Equal(svc.Profiles, []string{ProfileDemo}) {
						t.Errorf("compose service %s runs the demo in profiles %v, want only %s", name, svc.Profiles, ProfileDemo)
					}
				}
			}
			if demos != 1 {
				t.Errorf("%d compose services run the demo, want 1 (profile %s)", demos, ProfileDemo)
			}
		case runsDemo.Match(b):
			t.Errorf("production file deploy/%s runs the demo or the simulator: %q", path, runsDemo.Find(b))
		}
	}
}

// TestConfigTemplate: the file both deployments mount is a valid config of real jira and zendesk
// sources, polling at a production pace, whose placeholder URLs cannot resolve and whose tokens
// are the files the deployments mount.
func TestConfigTemplate(t *testing.T) {
	cfg, err := config.Parse([]byte(configTemplate), "custops.yml")
	if err != nil {
		t.Fatalf("the config template is invalid: %v", err)
	}
	if cfg.PollInterval.Std().Minutes() != 1 || cfg.StateDir != StateDir {
		t.Errorf("poll_interval %s, state_dir %s; want 1m and %s", cfg.PollInterval, cfg.StateDir, StateDir)
	}
	var types, files []string
	for _, s := range cfg.Sources {
		types = append(types, s.Type)
		files = append(files, s.Auth.TokenFile)
		if !strings.HasSuffix(strings.TrimRight(s.URL, "/"), ".invalid") {
			t.Errorf("source %s URL %s: a placeholder must not resolve (RFC 2606 .invalid)", s.Name, s.URL)
		}
	}
	if !slices.Equal(types, []string{config.TypeJira, config.TypeZendesk}) {
		t.Errorf("source types %v, want jira and zendesk", types)
	}
	var want []string
	for _, f := range TokenFiles {
		want = append(want, TokenDir+"/"+f)
	}
	if !slices.Equal(files, want) {
		t.Errorf("token files %v, want %v", files, want)
	}
}

// TestComposeTokensAndMemory: the production service mounts each token file where the config
// template reads it, from a secrets file the user makes; both custops services and the image set
// GOMEMLIMIT below their memory limit, as the Kubernetes Deployment does.
func TestComposeTokensAndMemory(t *testing.T) {
	var doc struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			MemLimit    string            `yaml:"mem_limit"`
			Secrets     []struct {
				Source string `yaml:"source"`
				Target string `yaml:"target"`
			} `yaml:"secrets"`
			Networks map[string]struct {
				Aliases []string `yaml:"aliases"`
			} `yaml:"networks"`
		} `yaml:"services"`
		Secrets map[string]struct {
			File string `yaml:"file"`
		} `yaml:"secrets"`
	}
	if err := yaml.Unmarshal(committed(t, "docker-compose.yml"), &doc); err != nil {
		t.Fatal(err)
	}
	prod := doc.Services["custops"]
	var targets []string
	for _, s := range prod.Secrets {
		targets = append(targets, s.Target)
		if f := doc.Secrets[s.Source].File; f != "./secrets/"+filepath.Base(s.Target) {
			t.Errorf("secret %s comes from %q, want ./secrets/%s", s.Source, f, filepath.Base(s.Target))
		}
	}
	var want []string
	for _, f := range TokenFiles {
		want = append(want, TokenDir+"/"+f)
	}
	if !slices.Equal(targets, want) {
		t.Errorf("compose mounts the tokens at %v, want %v", targets, want)
	}
	if aliases := doc.Services["custops-demo"].Networks["default"].Aliases; !slices.Contains(aliases, "custops") {
		t.Errorf("the demo service is not reachable as custops (aliases %v), so Prometheus would not scrape it", aliases)
	}

	limit := mustAtoi(t, strings.TrimSuffix(memoryLimit, "Mi"))
	wantGo := fmt.Sprintf("%dMiB", limit*9/10)
	for _, name := range []string{"custops", "custops-demo"} {
		svc := doc.Services[name]
		if svc.Environment["GOMEMLIMIT"] != wantGo || svc.MemLimit != fmt.Sprintf("%dm", limit) {
			t.Errorf("compose %s: GOMEMLIMIT %q mem_limit %q, want %s and %dm", name, svc.Environment["GOMEMLIMIT"], svc.MemLimit, wantGo, limit)
		}
	}
	c := dig(docs(t, "kubernetes/base/deployment.yaml")[0], "spec", "template", "spec", "containers", 0)
	if got := dig(c, "resources", "limits", "memory"); got != memoryLimit {
		t.Errorf("Kubernetes memory limit %v, want %s", got, memoryLimit)
	}
	if dig(c, "env", 0, "name") != "GOMEMLIMIT" || dig(c, "env", 0, "value") != wantGo {
		t.Errorf("Kubernetes env %v, want GOMEMLIMIT=%s (nine tenths of the limit)", dig(c, "env"), wantGo)
	}
	df := string(readRepoFile(t, "Dockerfile"))
	if m := regexp.MustCompile(`(?m)^ENV GOMEMLIMIT=(\S+)`).FindStringSubmatch(df); m == nil || m[1] != wantGo {
		t.Errorf("Dockerfile GOMEMLIMIT %v, want %s to match the deploy files' 512 MiB limit", m, wantGo)
	}
}
