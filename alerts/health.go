package alerts

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"

	"github.com/custops/custops/collector/catalog"
)

// Timing of the health alerts. A failed poll is retried on the next interval, so one failure is
// no news: SourceDown waits 3m, several polls at the default 1m interval (and short enough for the
// end-to-end test). Staleness is already measured in poll intervals, so its `for` only rides out
// one evaluation.
const (
	sourceDownFor     = 3 * time.Minute
	sourceStaleFor    = time.Minute
	exporterAbsentFor = 2 * time.Minute
	unmappedFor       = 30 * time.Minute
)

// Names of the alerts that mean the customer data is stale; Alertmanager inhibits the
// kind="customer" alerts while one of them fires.
const (
	alertSourceDown     = "CustopsSourceDown"
	alertSourceStale    = "CustopsSourceStale"
	alertExporterAbsent = "CustopsExporterAbsent"
)

// healthAlerts are the alerts about the sources and the exporter.
func healthAlerts(opts Options) []alert {
	src := catalog.LabelSource
	return []alert{
		{
			name:     alertSourceDown,
			severity: severityWarning,
			kind:     kindSource,
			expr:     "max " + catalog.By(src) + " (" + catalog.MetricSourceUp + ") == 0",
			forDur:   sourceDownFor,
			summary:  "custops source {{ $labels.source }} is down",
			description: "Every poll of source {{ $labels.source }} has failed for " + durationText(sourceDownFor) +
				": its tickets are not updating. Customer alerts are inhibited while this fires.",
		},
		{
			// Critical although no customer is hurt yet: while it fires the SLA pages are
			// inhibited, so this page replaces them rather than leaving the on-call person blind.
			name:     alertSourceStale,
			severity: severityCritical,
			kind:     kindSource,
			expr: "time() - max " + catalog.By(src) + " (" + catalog.MetricSourceLastSuccessTimestamp + ") > " +
				fmt.Sprint(opts.StaleAfter) + " * max " + catalog.By(src) + " (" + catalog.MetricSourcePollInterval + ")",
			forDur:  sourceStaleFor,
			summary: "custops source {{ $labels.source }} is stale",
			// The exporter exposes a last success of 0 until a source's first good poll, so a value
			// above 1e9 seconds (31 years) means "never" and is not worth humanizing.
			description: "Source {{ $labels.source }} {{ if ge $value 1e9 }}has never polled successfully{{ else }}" +
				"last polled successfully {{ $value | humanizeDuration }} ago{{ end }}, more than " +
				fmt.Sprint(opts.StaleAfter) + " poll intervals. SLA alerts are inhibited while this fires: " +
				"watch the queues in the ticketing system directly until it recovers.",
		},
		{
			name:     alertExporterAbsent,
			severity: severityCritical,
			kind:     kindExporter,
			expr:     "absent(" + catalog.Sel("up", catalog.Eq("job", opts.JobName)) + " == 1)",
			forDur:   exporterAbsentFor,
			summary:  "custops exporter is not being scraped",
			description: "Prometheus has had no successful scrape of job " + opts.JobName + " for " + durationText(exporterAbsentFor) +
				": no customer alert can fire until it is back.",
		},
		{
			name:     "CustopsUnmappedTickets",
			severity: severityInfo,
			kind:     kindSource,
			expr: "max " + catalog.By(src) + " (" + catalog.Sel(catalog.MetricDataQualityTickets,
				catalog.Eq(catalog.LabelCheck, catalog.CheckUnmappedCustomer)) + ") > 0",
			forDur:  unmappedFor,
			summary: "custops source {{ $labels.source }} has tickets of no known customer",
			description: "{{ $value | humanize }} tickets of source {{ $labels.source }} match no customer, so their SLAs " +
				"count for nobody. Add a match rule for them to the custops config.",
		},
	}
}

// durationText renders a duration the way the alert texts and Prometheus write it (5m, 1h).
func durationText(d time.Duration) string {
	return model.Duration(d).String()
}
