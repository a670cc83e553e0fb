package dashboards

import (
	"fmt"
	"slices"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/custops/custops/collector/catalog"
)

// PanelQuery is one query of one panel, for the live-query test and the lint.
type PanelQuery struct{ Board, Panel, RefID, Expr string }

// Queries lists every query of every board, in board then panel order. Board is the board's UID,
// Panel its title.
func Queries(opts Options) ([]PanelQuery, error) {
	boards, err := Boards(opts)
	if err != nil {
		return nil, err
	}
	var out []PanelQuery
	for _, d := range boards {
		for _, p := range panelsOf(d) {
			for _, t := range p.Targets {
				q, ok := t.(prometheus.Dataquery)
				if !ok {
					return nil, fmt.Errorf("board %s panel %q: target of type %T, want a Prometheus query", *d.Uid, deref(p.Title), t)
				}
				out = append(out, PanelQuery{Board: *d.Uid, Panel: deref(p.Title), RefID: deref(q.RefId), Expr: q.Expr})
			}
		}
	}
	return out, nil
}

// panelsOf lists a board's panels, including those nested in rows.
func panelsOf(d dashboard.Dashboard) []dashboard.Panel {
	var out []dashboard.Panel
	for _, p := range d.Panels {
		if p.Panel != nil {
			out = append(out, *p.Panel)
		}
		if p.RowPanel != nil {
			out = append(out, p.RowPanel.Panels...)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Expand substitutes the Grafana variables the boards use with values Prometheus accepts, so a
// query can be parsed or run outside Grafana: $__rate_interval -> 5m, $__interval -> 1m,
// $__range -> 1h, $customer and ${customer} -> customer, $owner and ${owner} -> .* (All).
func Expand(expr, customer string) string {
	return strings.NewReplacer(
		"${__rate_interval}", "5m", "$__rate_interval", "5m",
		"${__interval}", "1m", "$__interval", "1m",
		"${__range}", "1h", "$__range", "1h",
		"${"+customerVar+"}", customer, "$"+customerVar, customer,
		"${"+ownerVar+"}", ".*", "$"+ownerVar, ".*",
	).Replace(expr)
}

// ParseQuery parses a board query after Expand.
func ParseQuery(expr string) (promparser.Expr, error) {
	e, err := promparser.NewParser(promparser.Options{}).ParseExpr(Expand(expr, "example"))
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", expr, err)
	}
	return e, nil
}

// MetricNames lists the metric families a parsed query selects: a summary's _sum or _count
// series counts as its family when the family is in the catalogue.
func MetricNames(e promparser.Expr) []string {
	var out []string
	promparser.Inspect(e, func(n promparser.Node, _ []promparser.Node) error {
		if vs, ok := n.(*promparser.VectorSelector); ok && vs.Name != "" {
			name := vs.Name
			for _, suffix := range []string{"_sum", "_count"} {
				if base, ok := strings.CutSuffix(name, suffix); ok && slices.Contains(catalog.Catalogue, base) {
					name = base
				}
			}
			out = append(out, name)
		}
		return nil
	})
	return out
}

// UsedMetrics is the set of metric names the boards query, so the integrator can check that every
// catalogue metric is shown on some board or used by some alert.
func UsedMetrics(opts Options) (map[string]bool, error) {
	qs, err := Queries(opts)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, q := range qs {
		e, err := ParseQuery(q.Expr)
		if err != nil {
			return nil, fmt.Errorf("board %s panel %q query %s: %w", q.Board, q.Panel, q.RefID, err)
		}
		for _, name := range MetricNames(e) {
			used[name] = true
		}
	}
	return used, nil
}
