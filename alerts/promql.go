package alerts

import (
	"fmt"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/custops/custops/collector/catalog"
)

// Small PromQL builders. The rules are written as strings for readability, but every metric and
// label name comes from package catalog, and every finished expression goes through the PromQL
// parser (see pretty), so a typo fails generation instead of a silent never-firing alert.

// customerInfo is the join target that adds the customer's display name. It is aggregated by
// (customer, name) so that target labels (job, instance, pod) never take part in the join.
const customerInfo = "max by (" + catalog.LabelCustomer + ", " + catalog.LabelName + ") (" + catalog.MetricCustomerInfo + ")"

// withName appends the customer's name label to every series of expr. The value is multiplied
// by 1, so the alert's $value stays the value that tripped it.
func withName(expr string) string {
	return "(" + expr + ") * " + catalog.On(catalog.LabelCustomer) + " group_left (" + catalog.LabelName + ") " + customerInfo
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
