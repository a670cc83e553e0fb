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

// customerInfo is the join target that adds the customer's display name and owner. It is
// aggregated by (customer, name, owner) so that target labels (job, instance, pod) never take
// part in the join; a customer without an owner has an empty owner, which is no label.
const customerInfo = "max by (" + catalog.LabelCustomer + ", " + catalog.LabelName + ", " + catalog.LabelOwner + ") (" + catalog.MetricCustomerInfo + ")"

// withName appends the customer's name and owner labels to every series of expr: the owner
// routes the alert to that owner's receiver (AlertmanagerConfig). The value is multiplied by 1,
// so the alert's $value stays the value that tripped it.
func withName(expr string) string {
	return "(" + expr + ") * " + catalog.On(catalog.LabelCustomer) + " group_left (" + catalog.LabelName + ", " + catalog.LabelOwner + ") " + customerInfo
}

// withSeverity appends the customer's name, owner and tier and, by tier and priority, the severity the
// config gives the SLA alerts (custops_sla_alert_severity_info) to every series of expr, which
// must carry customer and priority labels. The value stays the one that tripped the alert.
func withSeverity(expr string) string {
	c, t, p := catalog.LabelCustomer, catalog.LabelTier, catalog.LabelPriority
	info := "max by (" + c + ", " + catalog.LabelName + ", " + t + ", " + catalog.LabelOwner + ") (" + catalog.MetricCustomerInfo + ")"
	severity := catalog.Agg("max", catalog.MetricSLAAlertSeverityInfo, t, p, catalog.LabelSeverity)
	return "(" + expr + ") * " + catalog.On(c) + " group_left (" + catalog.LabelName + ", " + t + ", " + catalog.LabelOwner + ") " + info +
		" * " + catalog.On(t, p) + " group_left (" + catalog.LabelSeverity + ") " + severity
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
