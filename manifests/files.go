package manifests

import (
	"strings"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/dashboards"
)

// Files returns deploy/docker-compose.yml, deploy/prometheus/prometheus.yml, the config template
// deploy/custops/custops.yml and deploy/kubernetes/*, by path relative to deploy/. Kubernetes is
// three kustomizations: kubernetes/base (every resource), kubernetes (production: the base with
// the config template) and kubernetes/demo (the demo overlay). Kustomize refuses an overlay
// inside the directory of its base, hence base/ beside demo/.
func Files(o Options, a alerts.Options, d dashboards.Options) (map[string][]byte, error) {
	out := map[string][]byte{}
	var err error
	if out["docker-compose.yml"], err = compose(o); err != nil {
		return nil, err
	}
	if out["prometheus/prometheus.yml"], err = prometheusConfig(o); err != nil {
		return nil, err
	}
	out["custops/custops.yml"] = []byte(configTemplate)

	boards, err := dashboards.Files(d)
	if err != nil {
		return nil, err
	}
	onlyBoards := map[string][]byte{}
	for p, b := range boards {
		if strings.HasPrefix(p, "grafana/dashboards/") {
			onlyBoards[p] = b
		}
	}
	rule, err := prometheusRule(o, a)
	if err != nil {
		return nil, err
	}
	k8s := []struct {
		name string
		doc  any
	}{
		{"deployment.yaml", deployment(o)},
		{"service.yaml", service(o)},
		{"pvc.yaml", pvc(o)},
		{"servicemonitor.yaml", serviceMonitor(o)},
		{"prometheusrule.yaml", rule},
		{"dashboards-configmap.yaml", dashboardsConfigMap(o, onlyBoards)},
		{"poddisruptionbudget.yaml", pdb(o)},
		{"networkpolicy.yaml", networkPolicy(o)},
		{"reports-cronjob.yaml", reportCronJob(o)},
		{"reports-pvc.yaml", reportsPVC(o)},
	}
	var resources []string
	for _, f := range k8s {
		if out["kubernetes/base/"+f.name], err = render(f.doc); err != nil {
			return nil, err
		}
		resources = append(resources, f.name)
	}
	demo, err := demoKustomization(o)
	if err != nil {
		return nil, err
	}
	for path, doc := range map[string]any{
		"kubernetes/base/kustomization.yaml": baseKustomization(o, resources),
		"kubernetes/kustomization.yaml":      prodKustomization(o),
		"kubernetes/demo/kustomization.yaml": demo,
		"kubernetes/demo/namespace.yaml":     namespace(demoNamespace(o)),
	} {
		if out[path], err = render(doc); err != nil {
			return nil, err
		}
	}
	out["kubernetes/custops.yml"] = []byte(configTemplate)
	return out, nil
}
