package manifests

import "fmt"

// The weekly reports: every Monday, `custops report --all` fetches each customer's report of the
// week that just ended from the running exporter (--from: the exporter holds the store's lock)
// and writes it, with an index, into a volume of its own.

// ReportsDir is where the report job writes, in its container.
const ReportsDir = "/reports"

// reportSchedule is Monday 06:00 (UTC in the CronJob; the container's local time, UTC, in compose):
// the week that ended at midnight in every customer's zone west of UTC+6 is complete by then.
const (
	reportSchedule = "0 6 * * 1"
	reportWeekly   = "Mon 06:00"
)

var reportLabels = om{{"app.kubernetes.io/name", "custops"}, {"app.kubernetes.io/component", "reports"}}

// reportArgs fetch every customer's report from the exporter at url.
func reportArgs(url string) list {
	return list{"report", "--from=" + url, "--all", "--out=" + ReportsDir}
}

// reportCronJob runs the reports every Monday in Kubernetes.
func reportCronJob(o Options) om {
	m := meta(o, "custops-reports")
	m[2] = kv{"labels", reportLabels}
	return om{
		{"apiVersion", "batch/v1"},
		{"kind", "CronJob"},
		{"metadata", m},
		{"spec", om{
			{"schedule", reportSchedule},
			{"timeZone", "Etc/UTC"},
			{"concurrencyPolicy", "Forbid"},
			{"successfulJobsHistoryLimit", 4},
			{"failedJobsHistoryLimit", 4},
			{"jobTemplate", om{{"spec", om{
				{"backoffLimit", 2},
				{"template", om{
					{"metadata", om{{"labels", reportLabels}}},
					{"spec", om{
						{"restartPolicy", "OnFailure"},
						{"automountServiceAccountToken", false},
						{"securityContext", om{{"runAsNonRoot", true}, {"runAsUser", 65532}, {"runAsGroup", 65532}, {"fsGroup", 65532}, {"seccompProfile", om{{"type", "RuntimeDefault"}}}}},
						{"containers", list{om{
							{"name", "reports"},
							{"image", o.Image},
							{"args", reportArgs(fmt.Sprintf("http://custops:%d", o.Port))},
							{"resources", om{{"requests", om{{"cpu", "50m"}, {"memory", "64Mi"}}}, {"limits", om{{"memory", "256Mi"}}}}},
							{"securityContext", om{{"allowPrivilegeEscalation", false}, {"readOnlyRootFilesystem", true}, {"capabilities", om{{"drop", list{"ALL"}}}}}},
							{"volumeMounts", list{om{{"name", "reports"}, {"mountPath", ReportsDir}}}},
						}}},
						{"volumes", list{om{{"name", "reports"}, {"persistentVolumeClaim", om{{"claimName", "custops-reports"}}}}}},
					}},
				}},
			}}}},
		}},
	}
}

// reportsPVC keeps the written reports.
func reportsPVC(o Options) om {
	m := meta(o, "custops-reports")
	m[2] = kv{"labels", reportLabels}
	return om{
		{"apiVersion", "v1"},
		{"kind", "PersistentVolumeClaim"},
		{"metadata", m},
		{"spec", om{{"accessModes", list{"ReadWriteOnce"}}, {"resources", om{{"requests", om{{"storage", "1Gi"}}}}}}},
	}
}

// composeReports is the compose service that writes the reports every Monday: a long-running
// `custops report --weekly-at`, since compose has no cron, into the volume custops-reports. It
// runs in both profiles: the demo answers to the name custops too.
func composeReports(o Options) om {
	return om{
		{"profiles", list{ProfileProd, ProfileDemo}},
		{"image", o.Image},
		{"command", append(reportArgs(fmt.Sprintf("http://custops:%d", o.Port)), "--weekly-at="+reportWeekly)},
		{"volumes", list{"custops-reports:" + ReportsDir}},
		{"restart", "unless-stopped"},
	}
}
