package alerts

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/custops/custops/collector"
)

// Small PromQL builders. The rules are written as strings for readability, but every metric and
// label name comes from package collector, and every finished expression goes through the PromQL
// parser (see pretty), so a typo fails generation instead of a silent never-firing alert.

// by renders an aggregation grouping clause.
func by(labels ...string) string {
	return "by (" + strings.Join(labels, ", ") + ")"
}

// on renders a vector matching clause.
func on(labels ...string) string {
	return "on (" + strings.Join(labels, ", ") + ")"
}

// eq renders an equality matcher; %q quoting is valid PromQL string syntax.
func eq(label, value string) string {
	return fmt.Sprintf("%s=%q", label, value)
}

// sel renders a selector with optional matchers.
func sel(metric string, matchers ...string) string {
	if len(matchers) == 0 {
		return metric
	}
	return metric + "{" + strings.Join(matchers, ", ") + "}"
}

// rng renders a range selector duration.
func rng(d time.Duration) string {
	return "[" + model.Duration(d).String() + "]"
}

// num renders a number the way a person would write it (1800, 0.2).
func num(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// customerInfo is the join target that adds the customer's display name. It is aggregated by
// (customer, name) so that target labels (job, instance, pod) never take part in the join.
const customerInfo = "max by (" + collector.LabelCustomer + ", " + collector.LabelName + ") (" + collector.MetricCustomerInfo + ")"

// withName appends the customer's name label to every series of expr. The value is multiplied
// by 1, so the alert's $value stays the value that tripped it.
func withName(expr string) string {
	return "(" + expr + ") * " + on(collector.LabelCustomer) + " group_left (" + collector.LabelName + ") " + customerInfo
}

// pretty parses expr and returns it in the canonical multi-line form of the Prometheus formatter,
// so the generated file is readable and every expression is known to parse.
func pretty(expr string) (string, error) {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		return "", fmt.Errorf("parse %q: %w", expr, err)
	}
	out := parser.Prettify(e)
	if strings.HasPrefix(out, " ") {
		// A block scalar whose first line is indented needs a YAML indentation indicator, which
		// gopkg.in/yaml.v3 emits but cannot read back (nor can every tool that reads rule files);
		// one line is always safe.
		return e.String(), nil
	}
	return out, nil
}
