package dashboards

import (
	"github.com/custops/custops/collector/catalog"
)

// Grafana variables the queries use. Queries never name a datasource or a customer themselves.
const (
	datasourceVar = "datasource"
	customerVar   = "customer"
	ownerVar      = "owner"
	rateInterval  = "$__rate_interval"
)

// customerMatcher confines a query to the customer picked on the customer board. The lint checks
// that every customer-board query carries it, so no other customer can leak into a screenshot.
var customerMatcher = catalog.Eq(catalog.LabelCustomer, "$"+customerVar)

// owned keeps the series of expr (which carry the customer label) of the customers the owner
// variable picks: "my customers" on the overview. The variable's All is .*, which a customer
// without an owner (an empty owner label) matches too.
func owned(expr string) string {
	return "(" + expr + ") and on(" + catalog.LabelCustomer + ") " +
		catalog.Sel(catalog.MetricCustomerInfo, catalog.Re(catalog.LabelOwner, "${"+ownerVar+"}"))
}

// trendWindows matches the 7d and 30d windows.
var trendWindows = catalog.Re(catalog.LabelWindow, catalog.Window7d+"|"+catalog.Window30d)

// p1 matches the most urgent priority.
var p1 = catalog.Eq(catalog.LabelPriority, catalog.PriorityP1)
