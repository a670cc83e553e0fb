package catalog

import (
	"strconv"
	"strings"
	"time"
)

// PromQL helpers: the dashboards and the alert rules build every query with these, so a matcher
// is quoted one way everywhere. Label values are quoted with strconv.Quote, whose escapes are
// PromQL's string syntax.

// Sel is a vector selector: metric{m1, m2}.
func Sel(metric string, matchers ...string) string {
	if len(matchers) == 0 {
		return metric
	}
	return metric + "{" + strings.Join(matchers, ", ") + "}"
}

// Eq is an equality matcher: label="value".
func Eq(label, value string) string { return label + "=" + strconv.Quote(value) }

// Re is a regular-expression matcher: label=~"value".
func Re(label, value string) string { return label + "=~" + strconv.Quote(value) }

// By is an aggregation's grouping clause: by (a, b).
func By(labels ...string) string { return "by (" + strings.Join(labels, ", ") + ")" }

// On is a vector matching clause: on (a, b).
func On(labels ...string) string { return "on (" + strings.Join(labels, ", ") + ")" }

// Agg applies an aggregation operator with an optional grouping: sum by (a) (expr).
func Agg(op, expr string, labels ...string) string {
	if len(labels) == 0 {
		return op + "(" + expr + ")"
	}
	return op + " " + By(labels...) + " (" + expr + ")"
}

// Range is a range selector's duration in PromQL syntax: [5m].
func Range(d time.Duration) string { return "[" + Duration(d) + "]" }

// Duration renders d the way PromQL and Prometheus' config files write durations (1d, 1h30m,
// 5m). Written here rather than taken from prometheus/common/model, whose Duration would link
// protobuf into this leaf.
func Duration(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	units := []struct {
		suffix string
		size   time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}, {"ms", time.Millisecond}}
	var b strings.Builder
	for _, u := range units {
		if n := d / u.size; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.suffix)
			d -= n * u.size
		}
	}
	return b.String()
}

// Num renders a number the way a person would write it (1800, 0.2).
func Num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
