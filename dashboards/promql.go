package dashboards

import (
	"github.com/custops/custops/collector/catalog"
)

// Grafana variables the queries use. Queries never name a datasource or a customer themselves.
const (
	datasourceVar = "datasource"
	customerVar   = "customer"
	rateInterval  = "$__rate_interval"
)

// customerMatcher confines a query to the customer picked on the customer board. The lint checks
// that every customer-board query carries it, so no other customer can leak into a screenshot.
var customerMatcher = catalog.Eq(catalog.LabelCustomer, "$"+customerVar)

// trendWindows matches the 7d and 30d windows.
var trendWindows = catalog.Re(catalog.LabelWindow, catalog.Window7d+"|"+catalog.Window30d)

// p1 matches the most urgent priority.
var p1 = catalog.Eq(catalog.LabelPriority, catalog.PriorityP1)
