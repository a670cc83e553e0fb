package alerts

import (
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/custops/custops/collector/catalog"
)

// The alerts of teams and records: an OLA breach coming per customer and team (routed to the team's
// receiver, receivers file teams:), and the customer records drifting (an info alert that
// notifies once a week).
const (
	alertOLABreachImminent = "CustopsOLABreachImminent"
	alertRecordsDrift      = "CustopsRecordsDrift"

	// olaImminentFor: like the SLA countdown, the lead time is in the condition.
	olaImminentFor = time.Minute
	// recordsDriftFor: a drift that lasts an hour, not one poll's in-between state.
	recordsDriftFor = time.Hour
	// recordsRepeat: the records are reviewed weekly, not chased.
	recordsRepeat = 7 * 24 * time.Hour
)

// recOLANextBreach is the time until the earliest upcoming OLA breach per customer and team.
func recOLANextBreach() string {
	return "customer_team:" + strings.TrimSuffix(catalog.MetricTeamOLANextBreach, "_timestamp_seconds") + "_seconds:min"
}

// teamAlerts are the OLA and records alerts.
func teamAlerts(opts Options) []alert {
	lead := model.Duration(opts.OLALeadTime).String()
	return []alert{
		{
			name:     alertOLABreachImminent,
			severity: severityWarning,
			kind:     kindCustomer,
			expr:     withName(recOLANextBreach() + " < " + catalog.Num(opts.OLALeadTime.Seconds()) + " > 0"),
			forDur:   olaImminentFor,
			summary:  "{{ $labels.name }}: {{ $labels.team }} OLA breach in {{ $value | humanizeDuration }}",
			description: "An open ticket of " + customerRef + " waiting on {{ $labels.team }} passes that team's OLA target in " +
				"{{ $value | humanizeDuration }} (lead time " + lead + "). The team's list of the customer's tickets waiting on it, oldest first, is on the customer's ticket page.",
		},
		{
			name:     alertRecordsDrift,
			severity: severityInfo,
			kind:     kindExporter,
			expr:     catalog.Agg("max", catalog.MetricRecordsDrift, catalog.LabelRecord) + " > 0",
			forDur:   recordsDriftFor,
			summary:  "Customer records drift: {{ $value | humanize }} {{ $labels.record }}",
			description: "{{ $value | humanize }} customer record(s) of kind {{ $labels.record }} need fixing (unmapped organizations, " +
				"customers without a ticket in 30 days, customers matched on one desk only, tickets whose customer changed). " +
				"The exporter's Records page lists them; custops customers discover proposes the missing customers. Sent once a week.",
		},
	}
}
