package manifests

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/internal/yamlfile"
)

var appLabels = om{{"app.kubernetes.io/name", "custops"}, {"app.kubernetes.io/component", "exporter"}}

func meta(o Options, name string, extra ...kv) om {
	labels := append(om{}, appLabels...)
	labels = append(labels, extra...)
	return om{{"name", name}, {"namespace", o.Namespace}, {"labels", labels}}
}

// The Deployment's volumes, in order; the demo overlay removes the config and the tokens, which
// the demo does not read, by their indexes (demoOnly).
var (
	volumeMounts = list{
		om{{"name", "state"}, {"mountPath", StateDir}},
		om{{"name", "config"}, {"mountPath", "/etc/custops"}, {"readOnly", true}},
		om{{"name", "tokens"}, {"mountPath", TokenDir}, {"readOnly", true}},
	}
	volumes = list{
		om{{"name", "state"}, {"persistentVolumeClaim", om{{"claimName", "custops-state"}}}},
		om{{"name", "config"}, {"configMap", om{{"name", "custops-config"}}}},
		// Not optional: without the operator's Secret the pod waits in ContainerCreating, naming
		// it, rather than running on nothing.
		om{{"name", "tokens"}, {"secret", om{{"secretName", TokenSecret}}}},
	}
	// notInDemo are the indexes of the volumes (and mounts) the demo drops, highest first so
	// each removal leaves the next index in place.
	notInDemo = []int{2, 1}
)

// TokenSecret is the Secret the operator creates with the desks' tokens (keys TokenFiles).
const TokenSecret = "custops-tokens"

// serveArgs run the exporter on the mounted config.
func serveArgs(o Options) list {
	return list{"serve", "--config.file=/etc/custops/custops.yml", "--web.listen-address=:" + fmt.Sprint(o.Port)}
}

// demoArgs run the demo on its built-in desks.
func demoArgs(o Options) list {
	return list{"demo", "--demo.state-dir=" + StateDir, "--web.listen-address=:" + fmt.Sprint(o.Port)}
}

// probeCommand checks an endpoint with the binary's own healthcheck, as the image's
// HEALTHCHECK does: an httpGet probe cannot give basic auth credentials (only a header written
// into the manifest), and the healthcheck follows the exporter's TLS and basic auth from
// CUSTOPS_WEB_CONFIG_FILE, CUSTOPS_HEALTHCHECK_USERNAME and CUSTOPS_HEALTHCHECK_PASSWORD_FILE
// (deploy/README.md).
func probeCommand(o Options, path string) list {
	return list{Binary, "healthcheck", fmt.Sprintf("--url=http://127.0.0.1:%d%s", o.Port, path)}
}

// Binary is where the image holds custops (Dockerfile).
const Binary = "/usr/local/bin/custops"

func deployment(o Options) om {
	probe := func(path string, delay int) om {
		return om{{"exec", om{{"command", probeCommand(o, path)}}}, {"initialDelaySeconds", delay}, {"periodSeconds", 10}, {"timeoutSeconds", 5}}
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
					// custops never calls the Kubernetes API.
					{"automountServiceAccountToken", false},
					{"securityContext", om{{"runAsNonRoot", true}, {"runAsUser", 65532}, {"runAsGroup", 65532}, {"fsGroup", 65532}, {"seccompProfile", om{{"type", "RuntimeDefault"}}}}},
					{"containers", list{om{
						{"name", "custops"},
						{"image", o.Image},
						{"args", serveArgs(o)},
						{"ports", list{om{{"name", "http"}, {"containerPort", o.Port}}}},
						{"env", list{om{{"name", "GOMEMLIMIT"}, {"value", goMemLimit}}}},
						{"livenessProbe", probe("/-/healthy", 5)},
						{"readinessProbe", probe("/-/ready", 5)},
						{"resources", om{
							{"requests", om{{"cpu", "100m"}, {"memory", memoryRequest}}},
							{"limits", om{{"memory", memoryLimit}}},
						}},
						{"securityContext", om{{"allowPrivilegeEscalation", false}, {"readOnlyRootFilesystem", true}, {"capabilities", om{{"drop", list{"ALL"}}}}}},
						{"volumeMounts", volumeMounts},
					}}},
					{"volumes", volumes},
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

// networkPolicy admits only Prometheus and the report job to the exporter's port; egress stays
// open for the ticketing APIs.
func networkPolicy(o Options) om {
	return om{
		{"apiVersion", "networking.k8s.io/v1"},
		{"kind", "NetworkPolicy"},
		{"metadata", meta(o, "custops")},
		{"spec", om{
			{"podSelector", om{{"matchLabels", appLabels}}},
			{"policyTypes", list{"Ingress"}},
			{"ingress", list{om{
				{"from", list{
					om{
						{"namespaceSelector", om{}},
						{"podSelector", om{{"matchLabels", om{{"app.kubernetes.io/name", "prometheus"}}}}},
					},
					// The weekly report job fetches the reports from the exporter.
					om{{"podSelector", om{{"matchLabels", reportLabels}}}},
				}},
				{"ports", list{om{{"protocol", "TCP"}, {"port", o.Port}}}},
			}}},
		}},
	}
}

// demoKustomization is deploy/kubernetes/demo: the base with `custops demo` in place of serve,
// without the config and tokens it does not read, in a namespace of its own so it never
// replaces a production exporter.
func demoKustomization(o Options) (om, error) {
	ops := list{om{{"op", "replace"}, {"path", "/spec/template/spec/containers/0/args"}, {"value", demoArgs(o)}}}
	for _, i := range notInDemo {
		ops = append(ops,
			om{{"op", "remove"}, {"path", fmt.Sprintf("/spec/template/spec/containers/0/volumeMounts/%d", i)}},
			om{{"op", "remove"}, {"path", fmt.Sprintf("/spec/template/spec/volumes/%d", i)}})
	}
	patch, err := yamlfile.Encode("", ops)
	if err != nil {
		return nil, err
	}
	return om{
		{"apiVersion", "kustomize.config.k8s.io/v1beta1"},
		{"kind", "Kustomization"},
		{"namespace", demoNamespace(o)},
		{"resources", list{"namespace.yaml", "../base"}},
		{"patches", list{om{
			{"target", om{{"kind", "Deployment"}, {"name", "custops"}}},
			{"patch", string(patch)},
		}}},
	}, nil
}

func demoNamespace(o Options) string { return o.Namespace + "-demo" }

func namespace(name string) om {
	return om{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", om{{"name", name}, {"labels", appLabels}}}}
}

// baseKustomization lists every resource, with no config: production adds the config template,
// the demo needs none.
func baseKustomization(o Options, resources []string) om {
	return om{
		{"apiVersion", "kustomize.config.k8s.io/v1beta1"},
		{"kind", "Kustomization"},
		{"namespace", o.Namespace},
		{"resources", resources},
	}
}

// prodKustomization is deploy/kubernetes: the base with custops.yml as its config. Its pod also
// needs the operator's Secret TokenSecret.
func prodKustomization(o Options) om {
	return om{
		{"apiVersion", "kustomize.config.k8s.io/v1beta1"},
		{"kind", "Kustomization"},
		{"namespace", o.Namespace},
		{"resources", list{"base"}},
		{"configMapGenerator", list{om{{"name", "custops-config"}, {"files", list{"custops.yml"}}}}},
		{"generatorOptions", om{{"disableNameSuffixHash", false}}},
	}
}
