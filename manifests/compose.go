package manifests

import "fmt"

// Compose profiles: every service belongs to one or both, so `docker compose up` without a
// profile starts nothing and the user chooses between the real desks and the demo.
const (
	ProfileProd = "prod"
	ProfileDemo = "demo"
)

// composeComment heads deploy/docker-compose.yml below the generated-file header.
const composeComment = `# Choose a profile (deploy/README.md):
#   docker compose --profile prod up -d   custops on your desks: deploy/custops/custops.yml and the
#                                         token files deploy/secrets/jira_token and zendesk_token
#   docker compose --profile demo up -d   custops demo on built-in simulated desks; no token needed
`

// compose is deploy/docker-compose.yml: custops on the user's desks (profile prod) or the demo
// (profile demo), Prometheus with the generated rules, Alertmanager with the generated routing,
// Grafana with the generated provisioning. Tokens come from compose secrets, files never
// committed, mounted where the config template reads them.
func compose(o Options) ([]byte, error) {
	port := fmt.Sprint(o.Port)
	both := list{ProfileProd, ProfileDemo}
	var tokens list
	secrets := om{}
	for _, name := range TokenFiles {
		tokens = append(tokens, om{{"source", name}, {"target", TokenDir + "/" + name}})
		secrets = append(secrets, kv{name, om{{"file", "./secrets/" + name}}})
	}
	custops := func(profile string, command list, volumes list, extra ...kv) om {
		svc := om{
			{"profiles", list{profile}},
			{"image", o.Image},
			{"build", om{{"context", ".."}, {"dockerfile", "Dockerfile"}}},
			{"command", command},
			{"environment", om{{"GOMEMLIMIT", goMemLimit}}},
			{"mem_limit", composeMemLimit},
			{"ports", list{"127.0.0.1:" + port + ":" + port}},
			{"volumes", volumes},
		}
		svc = append(svc, extra...)
		return append(svc, kv{"restart", "unless-stopped"})
	}
	return renderWith(composeComment, om{
		{"name", "custops"},
		{"services", om{
			{"custops", custops(ProfileProd,
				list{"serve", "--config.file=/etc/custops/custops.yml", "--web.listen-address=:" + port},
				list{"./custops:/etc/custops:ro", "custops-state:" + StateDir},
				kv{"secrets", tokens})},
			// The demo answers to the name custops too, so Prometheus scrapes it unchanged.
			{"custops-demo", custops(ProfileDemo,
				list{"demo", "--demo.state-dir=" + StateDir, "--web.listen-address=:" + port},
				list{"custops-demo-state:" + StateDir},
				kv{"networks", om{{"default", om{{"aliases", list{"custops"}}}}}})},
			{"reports", composeReports(o)},
			{"prometheus", om{
				{"profiles", both},
				{"image", o.PrometheusImg},
				{"command", list{"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.enable-lifecycle"}},
				{"ports", list{"127.0.0.1:9090:9090"}},
				{"volumes", list{"./prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"}},
				{"depends_on", list{"alertmanager"}},
				{"restart", "unless-stopped"},
			}},
			{"alertmanager", om{
				{"profiles", both},
				{"image", o.AlertmgrImg},
				{"command", list{"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address="}},
				{"ports", list{"127.0.0.1:9093:9093"}},
				{"volumes", list{"./alertmanager:/etc/alertmanager:ro", "alertmanager-data:/alertmanager"}},
				{"restart", "unless-stopped"},
			}},
			{"grafana", om{
				{"profiles", both},
				{"image", o.GrafanaImg},
				{"environment", om{
					{"GF_SECURITY_ADMIN_USER", "${GRAFANA_ADMIN_USER:-admin}"},
					{"GF_SECURITY_ADMIN_PASSWORD", "${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in deploy/.env}"},
					{"GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", "/var/lib/grafana/dashboards/custops/custops-overview.json"},
				}},
				{"ports", list{"127.0.0.1:3000:3000"}},
				{"volumes", list{
					"./grafana/provisioning:/etc/grafana/provisioning:ro",
					"./grafana/dashboards:/var/lib/grafana/dashboards/custops:ro",
					"grafana-data:/var/lib/grafana",
				}},
				{"depends_on", list{"prometheus"}},
				{"restart", "unless-stopped"},
			}},
		}},
		{"secrets", secrets},
		{"volumes", om{{"custops-state", nil}, {"custops-demo-state", nil}, {"custops-reports", nil}, {"prometheus-data", nil}, {"alertmanager-data", nil}, {"grafana-data", nil}}},
	})
}

// prometheusConfig is deploy/prometheus/prometheus.yml for the compose stack.
func prometheusConfig(o Options) ([]byte, error) {
	return render(om{
		{"global", om{{"scrape_interval", "30s"}, {"evaluation_interval", "30s"}}},
		{"rule_files", list{"/etc/prometheus/rules/*.yml"}},
		{"alerting", om{{"alertmanagers", list{om{{"static_configs", list{om{{"targets", list{"alertmanager:9093"}}}}}}}}}},
		{"scrape_configs", list{
			om{
				{"job_name", "custops"},
				{"static_configs", list{om{{"targets", list{fmt.Sprintf("custops:%d", o.Port)}}}}},
			},
			om{
				{"job_name", "prometheus"},
				{"static_configs", list{om{{"targets", list{"localhost:9090"}}}}},
			},
		}},
	})
}
