package manifests

import (
	"fmt"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/dashboards"
)

// TestReportsEveryMonday: the production and demo kustomizations run the weekly reports every
// Monday from the exporter's Service, into their own volume; the exporter's NetworkPolicy admits
// the job's pods, which the exporter's Service does not select; compose runs the same command
// with --weekly-at in both profiles.
func TestReportsEveryMonday(t *testing.T) {
	o := DefaultOptions()
	wantArgs := []any{"report", fmt.Sprintf("--from=http://custops:%d", o.Port), "--all", "--out=/reports"}
	for _, dir := range []string{"kubernetes", "kubernetes/demo"} {
		objs := kustomize(t, dir)
		cj := only(t, objs, "CronJob")
		if dig(cj, "spec", "schedule") != "0 6 * * 1" || dig(cj, "spec", "concurrencyPolicy") != "Forbid" {
			t.Errorf("%s: schedule %v, concurrency %v", dir, dig(cj, "spec", "schedule"), dig(cj, "spec", "concurrencyPolicy"))
		}
		pod := dig(cj, "spec", "jobTemplate", "spec", "template")
		if got := dig(pod, "spec", "containers", 0, "args"); !reflect.DeepEqual(got, wantArgs) {
			t.Errorf("%s: args %v, want %v", dir, got, wantArgs)
		}
		if got := volumeSources(dig(pod, "spec")); got["reports"] != "pvc" {
			t.Errorf("%s: report volumes %v", dir, got)
		}
		podLabels, _ := dig(pod, "metadata", "labels").(map[string]any)
		svcSelector, _ := dig(only(t, objs, "Service"), "spec", "selector").(map[string]any)
		if matches(svcSelector, podLabels) {
			t.Errorf("%s: the exporter's Service selects the report job's pods", dir)
		}
		admitted := false
		froms, _ := dig(only(t, objs, "NetworkPolicy"), "spec", "ingress", 0, "from").([]any)
		for _, f := range froms {
			if sel, ok := dig(f, "podSelector", "matchLabels").(map[string]any); ok && dig(f, "namespaceSelector") == nil && matches(sel, podLabels) {
				admitted = true
			}
		}
		if !admitted {
			t.Errorf("%s: the NetworkPolicy does not admit the report job", dir)
		}
	}

	files, err := Files(o, alerts.DefaultOptions(), dashboards.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := yaml.Unmarshal(files["docker-compose.yml"], &c); err != nil {
		t.Fatal(err)
	}
	svc := dig(c, "services", "reports")
	if got := dig(svc, "command"); !reflect.DeepEqual(got, append(wantArgs, "--weekly-at=Mon 06:00")) {
		t.Errorf("compose reports command %v", got)
	}
	if got := dig(svc, "profiles"); !reflect.DeepEqual(got, []any{ProfileProd, ProfileDemo}) {
		t.Errorf("compose reports profiles %v", got)
	}
}

// matches reports whether every label of the selector is on the labels.
func matches(selector, labels map[string]any) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return len(selector) > 0
}
