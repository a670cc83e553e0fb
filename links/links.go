// Package links spells the dashboard UIDs and the URLs that boards, alerts and pages use to point
// at each other, so a link cannot drift from its target.
package links

import (
	"net/url"
	"strings"
)

// Dashboard UIDs: stable, so bookmarks and alert links survive regeneration.
const (
	DashboardOverview = "custops-overview"
	DashboardCustomer = "custops-customer"
	DashboardExporter = "custops-exporter"
)

// DefaultListenAddress is the exporter's default port. Prometheus' default port allocations
// (github.com/prometheus/prometheus/wiki/Default-port-allocations) have filled 9100-9999, so
// custops takes one above that range.
const DefaultListenAddress = ":10042"

// CustomerDashboard is the URL of the customer board with the customer preselected. customer may
// be a Go template or Grafana variable (e.g. "{{ $labels.customer }}"), so it is not escaped when
// it contains a template delimiter.
func CustomerDashboard(grafanaURL, customer string) string {
	return strings.TrimSuffix(grafanaURL, "/") + "/d/" + DashboardCustomer + "/customer?var-customer=" + maybeEscape(customer)
}

// Dashboard is the URL of a board by UID.
func Dashboard(grafanaURL, uid string) string {
	return strings.TrimSuffix(grafanaURL, "/") + "/d/" + uid
}

// CustomerTickets is the exporter's HTML ticket list for a customer.
func CustomerTickets(exporterURL, customer string) string {
	return strings.TrimSuffix(exporterURL, "/") + "/customers/" + maybeEscape(customer) + "/tickets"
}

func maybeEscape(s string) string {
	if strings.Contains(s, "{{") || strings.Contains(s, "$") {
		return s
	}
	return url.QueryEscape(s)
}

// CustomerReport is the exporter's printable weekly report for a customer.
func CustomerReport(exporterURL, customer string) string {
	return strings.TrimSuffix(exporterURL, "/") + "/customers/" + maybeEscape(customer) + "/report"
}

// CustomerMeeting is the exporter's internal ops-meeting page for a customer.
func CustomerMeeting(exporterURL, customer string) string {
	return strings.TrimSuffix(exporterURL, "/") + "/customers/" + maybeEscape(customer) + "/meeting"
}

// Records is the exporter's Records page: what keeps the customer records from being true.
func Records(exporterURL string) string {
	return strings.TrimSuffix(exporterURL, "/") + "/records"
}

// Waiting is the exporter's list of a customer's tickets waiting on a team, oldest wait first.
func Waiting(exporterURL, customer, team string) string {
	return CustomerTickets(exporterURL, customer) + "?waiting_on=" + maybeEscape(team)
}
