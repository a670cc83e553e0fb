package manifests

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/alerts"
)

var appLabels = om{{"app.kubernetes.io/name", "custops"}, {"app.kubernetes.io/component", "exporter"}}

func meta(o Options, name string, extra ...kv) om {
	labels := append(om{}, appLabels...)
	labels = append(labels, extra...)
	return om{{"name", name}, {"namespace", o.Namespace}, {"labels", labels}}
}

// Resources are sized from docs/benchmarks.md: about 1 KiB of heap per stored ticket and a
// snapshot pass of 200,000 tickets in well under a second, so 512Mi holds a large desk with room.
func deployment(o Options) om {
	port := fmt.Sprint(o.Port)
	probe := func(path string, delay int) om {
		return om{{"httpGet", om{{"path", path}, {"port", "http"}}}, {"initialDelaySeconds", delay}, {"periodSeconds", 10}}
	}
	return om{
		{"apiVersion", "apps/v1"},
		{"kind", "Deployment"},
		{"metadata", meta(o, "custops")},
		{"spec", om{
			{"replicas", 1},
			// One writer per state volume: never two exporters polling one desk.
			{"strategy", om{{"type", "Recreate"}}},
			{"selector", om{{"matchLabels", appLabels}}},
			{"template", om{
				{"metadata", om{{"labels", appLabels}}},
				{"spec", om{
					{"securityContext", om{{"runAsNonRoot", true}, {"runAsUser", 65532}, {"runAsGroup", 65532}, {"fsGroup", 65532}, {"seccompProfile", om{{"type", "RuntimeDefault"}}}}},
					{"containers", list{om{
						{"name", "custops"},
						{"image", o.Image},
						{"args", list{"serve", "--config.file=/etc/custops/custops.yml", "--web.listen-address=:" + port}},
						{"ports", list{om{{"name", "http"}, {"containerPort", o.Port}}}},
						// Tokens: the Secret is created by the operator, never committed.
						{"envFrom", list{om{{"secretRef", om{{"name", "custops-tokens"}, {"optional", true}}}}}},
						{"livenessProbe", probe("/-/healthy", 5)},
						{"readinessProbe", probe("/-/ready", 5)},
						{"resources", om{
							{"requests", om{{"cpu", "100m"}, {"memory", "256Mi"}}},
							{"limits", om{{"memory", "512Mi"}}},
						}},
						{"securityContext", om{{"allowPrivilegeEscalation", false}, {"readOnlyRootFilesystem", true}, {"capabilities", om{{"drop", list{"ALL"}}}}}},
						{"volumeMounts", list{
							om{{"name", "config"}, {"mountPath", "/etc/custops"}, {"readOnly", true}},
							om{{"name", "state"}, {"mountPath", "/var/lib/custops"}},
						}},
					}}},
					{"volumes", list{
						om{{"name", "config"}, {"configMap", om{{"name", "custops-config"}}}},
						om{{"name", "state"}, {"persistentVolumeClaim", om{{"claimName", "custops-state"}}}},
					}},
				}},
			}},
		}},
	}
}

func service(o Options) om {
	return om{
		{"apiVersion", "v1"},
		{"kind", "Service"},
		{"metadata", meta(o, "custops")},
		{"spec", om{
			{"selector", appLabels},
			{"ports", list{om{{"name", "http"}, {"port", o.Port}, {"targetPort", "http"}}}},
		}},
	}
}

func pvc(o Options) om {
	return om{
		{"apiVersion", "v1"},
		{"kind", "PersistentVolumeClaim"},
		{"metadata", meta(o, "custops-state")},
		{"spec", om{{"accessModes", list{"ReadWriteOnce"}}, {"resources", om{{"requests", om{{"storage", "1Gi"}}}}}}},
	}
}

func serviceMonitor(o Options) om {
	return om{
		{"apiVersion", "monitoring.coreos.com/v1"},
		{"kind", "ServiceMonitor"},
		{"metadata", meta(o, "custops")},
		{"spec", om{
			{"selector", om{{"matchLabels", appLabels}}},
			{"endpoints", list{om{{"port", "http"}, {"interval", "30s"}, {"path", "/metrics"}}}},
		}},
	}
}

// prometheusRule embeds the generated rule groups: the same ones deploy/prometheus/rules holds,
// carried as a YAML node so block scalars keep their style.
func prometheusRule(o Options, a alerts.Options) (om, error) {
	raw, err := alerts.RuleFile(a)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	var groups *yaml.Node
	if len(doc.Content) == 1 {
		root := doc.Content[0]
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "groups" {
				groups = root.Content[i+1]
			}
		}
	}
	if groups == nil {
		return nil, errors.New("the generated rule file has no groups")
	}
	return om{
		{"apiVersion", "monitoring.coreos.com/v1"},
		{"kind", "PrometheusRule"},
		{"metadata", meta(o, "custops")},
		{"spec", om{{"groups", groups}}},
	}, nil
}

// dashboardsConfigMap carries every generated board for the Grafana sidecar, which loads
// ConfigMaps labelled grafana_dashboard.
func dashboardsConfigMap(o Options, boards map[string][]byte) om {
	data := om{}
	for _, p := range slices.Sorted(maps.Keys(boards)) {
		data = append(data, kv{p[strings.LastIndexByte(p, '/')+1:], string(boards[p])})
	}
	m := meta(o, "custops-dashboards", kv{"grafana_dashboard", "1"})
	m = append(m, kv{"annotations", om{{"grafana_folder", "custops"}}})
	return om{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", m}, {"data", data}}
}

func pdb(o Options) om {
	return om{
		{"apiVersion", "policy/v1"},
		{"kind", "PodDisruptionBudget"},
		{"metadata", meta(o, "custops")},
		// A single writer cannot stay available through a drain; this lets drains proceed while
		// making the disruption explicit, and the store resumes where it stopped.
		{"spec", om{{"maxUnavailable", 1}, {"selector", om{{"matchLabels", appLabels}}}}},
	}
}

// networkPolicy admits only Prometheus to the exporter's port; egress stays open for the
// ticketing APIs.
func networkPolicy(o Options) om {
	return om{
		{"apiVersion", "networking.k8s.io/v1"},
		{"kind", "NetworkPolicy"},
		{"metadata", meta(o, "custops")},
		{"spec", om{
			{"podSelector", om{{"matchLabels", appLabels}}},
			{"policyTypes", list{"Ingress"}},
			{"ingress", list{om{
				{"from", list{om{
					{"namespaceSelector", om{}},
					{"podSelector", om{{"matchLabels", om{{"app.kubernetes.io/name", "prometheus"}}}}},
				}}},
				{"ports", list{om{{"protocol", "TCP"}, {"port", o.Port}}}},
			}}},
		}},
	}
}

func kustomization(o Options, resources []string) om {
	return om{
		{"apiVersion", "kustomize.config.k8s.io/v1beta1"},
		{"kind", "Kustomization"},
		{"namespace", o.Namespace},
		{"resources", resources},
		{"configMapGenerator", list{om{{"name", "custops-config"}, {"files", list{"custops.yml"}}}}},
		{"generatorOptions", om{{"disableNameSuffixHash", false}}},
	}
}
