package manifests

import "fmt"

// compose is deploy/docker-compose.yml: custops (the demo by default), Prometheus with the
// generated rules, Alertmanager with the generated routing, Grafana with the generated
// provisioning. Secrets come from an env file that is never committed.
func compose(o Options) ([]byte, error) {
	port := fmt.Sprint(o.Port)
	return render(om{
		{"name", "custops"},
		{"services", om{
			{"custops", om{
				{"image", o.Image},
				{"build", om{{"context", ".."}, {"dockerfile", "Dockerfile"}}},
				// Real use: CUSTOPS_COMMAND="serve --config.file=/etc/custops/custops.yml" in .env.
				{"command", "${CUSTOPS_COMMAND:-demo --demo.state-dir=/var/lib/custops --web.listen-address=:" + port + "}"},
				{"env_file", list{om{{"path", "custops.env"}, {"required", false}}}},
				{"ports", list{"127.0.0.1:" + port + ":" + port}},
				{"volumes", list{"./custops:/etc/custops:ro", "custops-state:/var/lib/custops"}},
				{"restart", "unless-stopped"},
			}},
			{"prometheus", om{
				{"image", o.PrometheusImg},
				{"command", list{"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.enable-lifecycle"}},
				{"ports", list{"127.0.0.1:9090:9090"}},
				{"volumes", list{"./prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"}},
				{"depends_on", list{"custops", "alertmanager"}},
				{"restart", "unless-stopped"},
			}},
			{"alertmanager", om{
				{"image", o.AlertmgrImg},
				{"command", list{"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address="}},
				{"ports", list{"127.0.0.1:9093:9093"}},
				{"volumes", list{"./alertmanager:/etc/alertmanager:ro", "alertmanager-data:/alertmanager"}},
				{"restart", "unless-stopped"},
			}},
			{"grafana", om{
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
		{"volumes", om{{"custops-state", nil}, {"prometheus-data", nil}, {"alertmanager-data", nil}, {"grafana-data", nil}}},
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
