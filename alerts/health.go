package alerts

import (
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

// Names of the alerts about stale data. Alertmanager inhibits the kind="customer" alerts of a
// customer while CustopsCustomerDataStale fires for it, and of every customer while the
// exporter is not scraped.
const (
	alertSourceDown        = "CustopsSourceDown"
	alertSourceStale       = "CustopsSourceStale"
	alertCustomerDataStale = "CustopsCustomerDataStale"
	alertExporterAbsent    = "CustopsExporterAbsent"
)

// sourceStale is the condition of CustopsSourceStale per source: the last successful poll is
// older than the source's stale threshold (its poll interval times the config's stale_after_polls).
func sourceStale() string {
	src := catalog.LabelSource
	return "time() - max " + catalog.By(src) + " (" + catalog.MetricSourceLastSuccessTimestamp + ") > max " +
		catalog.By(src) + " (" + catalog.MetricSourceStaleAfter + ")"
}

// healthAlerts are the alerts about the sources and the exporter.
func healthAlerts(opts Options) []alert {
	src := catalog.LabelSource
	down := "max " + catalog.By(src) + " (" + catalog.MetricSourceUp + ") == 0"
	return []alert{
		{
			name:     alertSourceDown,
			severity: severityWarning,
			kind:     kindSource,
			expr:     down,
			forDur:   sourceDownFor,
			summary:  "custops source {{ $labels.source }} is down",
			description: "Every poll of source {{ $labels.source }} has failed for " + durationText(sourceDownFor) +
				": its tickets are not updating. The alerts of the customers whose tickets it holds are inhibited while this fires.",
		},
		{
			// Critical although no customer is hurt yet: while it fires the SLA pages of the
			// source's customers are inhibited, so this page replaces them rather than leaving the
			// on-call person blind.
			name:     alertSourceStale,
			severity: severityCritical,
			kind:     kindSource,
			expr:     sourceStale(),
			forDur:   sourceStaleFor,
			summary:  "custops source {{ $labels.source }} is stale",
			// The exporter exposes a last success of 0 until a source's first good poll, so a value
			// above 1e9 seconds (31 years) means "never" and is not worth humanizing.
			description: "Source {{ $labels.source }} {{ if ge $value 1e9 }}has never polled successfully{{ else }}" +
				"last polled successfully {{ $value | humanizeDuration }} ago{{ end }}, longer than its stale threshold of " +
				queryDuration(catalog.MetricSourceStaleAfter+"{"+src+"='%s'}", src) + " (stale_after_polls poll intervals). " +
				"The SLA alerts of its customers are inhibited while this fires: watch their queues in the ticketing system directly until it recovers.",
		},
		{
			// No notification (info): it exists so that Alertmanager can inhibit exactly the
			// customers a failing source serves, by equal customer labels. It waits as long as
			// CustopsSourceDown, so both start together.
			name:     alertCustomerDataStale,
			severity: severityInfo,
			kind:     kindSource,
			expr: withName(catalog.Agg("max", catalog.MetricCustomerSourceInfo, catalog.LabelCustomer, src) +
				" and " + catalog.On(src) + " (" + down + " or " + sourceStale() + ")"),
			forDur:  sourceDownFor,
			summary: "{{ $labels.name }}: data from source {{ $labels.source }} is not current",
			description: "Source {{ $labels.source }}, which holds tickets of " + customerRef + ", is down or stale: " +
				"the customer's alerts are inhibited until it recovers, and the pages show when its data was last fetched.",
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

// queryDuration is an annotation template that shows the first value of a PromQL query as a
// duration; format gets the named label's value.
func queryDuration(format, label string) string {
	return `{{ with printf "` + format + `" $labels.` + label + ` | query }}{{ . | first | value | humanizeDuration }}{{ end }}`
}

// durationText renders a duration the way the alert texts and Prometheus write it (5m, 1h).
func durationText(d time.Duration) string {
	return model.Duration(d).String()
}
