package dashboards

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	promparser "github.com/prometheus/prometheus/promql/parser"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/links"
)

// The lint reads the generated JSON, what Grafana reads, not the SDK structs. Its rules are
// modelled on grafana/dashboard-linter (panel-title/units/datasource, target-promql,
// target-rate-interval, template-datasource) plus custops' own (catalogue, layout, customer-safe).

type lintRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type lintTarget struct {
	RefID      string   `json:"refId"`
	Expr       string   `json:"expr"`
	Legend     string   `json:"legendFormat"`
	Datasource *lintRef `json:"datasource"`
}

type lintPanel struct {
	ID          *uint32      `json:"id"`
	Type        string       `json:"type"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Datasource  *lintRef     `json:"datasource"`
	GridPos     *lintPos     `json:"gridPos"`
	Targets     []lintTarget `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Unit  string     `json:"unit"`
			Links []lintLink `json:"links"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Links  []lintLink  `json:"links"`
	Panels []lintPanel `json:"panels"` // a row's panels
}

type lintPos struct{ X, Y, W, H int }

type lintLink struct {
	Title string   `json:"title"`
	Type  string   `json:"type"`
	URL   string   `json:"url"`
	Tags  []string `json:"tags"`
}

type lintVar struct {
	Type       string   `json:"type"`
	Name       string   `json:"name"`
	Query      any      `json:"query"`
	Datasource *lintRef `json:"datasource"`
	Multi      bool     `json:"multi"`
	IncludeAll bool     `json:"includeAll"`
}

type lintBoard struct {
	UID        string      `json:"uid"`
	Title      string      `json:"title"`
	Tags       []string    `json:"tags"`
	Panels     []lintPanel `json:"panels"`
	Links      []lintLink  `json:"links"`
	Templating struct {
		List []lintVar `json:"list"`
	} `json:"templating"`
	raw string
}

// panels flattens rows.
func (b lintBoard) panels() []lintPanel {
	var out []lintPanel
	for _, p := range b.Panels {
		if p.Type == "row" {
			out = append(out, p.Panels...)
			continue
		}
		out = append(out, p)
	}
	return out
}

// lintRule reports the problems of one board.
type lintRule struct {
	name  string
	check func(b lintBoard) []string
}

var dsVar = "${" + datasourceVar + "}"

func lintRules() []lintRule {
	return []lintRule{
		{"panel-title-description", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				if p.Title == "" {
					out = append(out, fmt.Sprintf("panel %v has no title", p.ID))
				}
				if p.Description == "" {
					out = append(out, fmt.Sprintf("panel %q has no description", p.Title))
				}
			}
			return out
		}},
		{"panel-units", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				if p.FieldConfig.Defaults.Unit == "" {
					out = append(out, fmt.Sprintf("panel %q has no unit", p.Title))
				}
			}
			return out
		}},
		{"panel-has-targets", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				if len(p.Targets) == 0 {
					out = append(out, fmt.Sprintf("panel %q has no target", p.Title))
				}
				for _, t := range p.Targets {
					if t.RefID == "" || t.Expr == "" {
						out = append(out, fmt.Sprintf("panel %q has a target without refId or expr", p.Title))
					}
				}
			}
			return out
		}},
		{"panel-datasource", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				if p.Datasource == nil || p.Datasource.UID != dsVar {
					out = append(out, fmt.Sprintf("panel %q does not use %s", p.Title, dsVar))
				}
				for _, t := range p.Targets {
					if t.Datasource == nil || t.Datasource.UID != dsVar || t.Datasource.Type != "prometheus" {
						out = append(out, fmt.Sprintf("panel %q target %s does not use %s", p.Title, t.RefID, dsVar))
					}
				}
			}
			return out
		}},
		{"template-datasource", func(b lintBoard) (out []string) {
			for _, v := range b.Templating.List {
				if v.Name == datasourceVar {
					if v.Type != "datasource" || v.Query != "prometheus" {
						out = append(out, fmt.Sprintf("variable %s is %s/%v, want datasource/prometheus", v.Name, v.Type, v.Query))
					}
					return out
				}
				if v.Datasource == nil || v.Datasource.UID != dsVar {
					out = append(out, fmt.Sprintf("variable %s precedes or skips %s", v.Name, dsVar))
				}
			}
			return append(out, "no datasource variable")
		}},
		{"target-promql", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				for _, t := range p.Targets {
					if _, err := ParseQuery(t.Expr); err != nil {
						out = append(out, fmt.Sprintf("panel %q target %s: %v", p.Title, t.RefID, err))
					}
				}
			}
			return out
		}},
		{"target-counter-rate", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				for _, t := range p.Targets {
					for _, bad := range countersOutsideRate(t.Expr) {
						out = append(out, fmt.Sprintf("panel %q target %s: counter %s outside rate/increase/irate", p.Title, t.RefID, bad))
					}
				}
			}
			return out
		}},
		{"target-rate-interval", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				for _, t := range p.Targets {
					for _, m := range rangeRe.FindAllStringSubmatch(t.Expr, -1) {
						if m[1] != rateInterval {
							out = append(out, fmt.Sprintf("panel %q target %s: range [%s], want [%s]", p.Title, t.RefID, m[1], rateInterval))
						}
					}
				}
			}
			return out
		}},
		{"target-catalogue", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				for _, t := range p.Targets {
					e, err := ParseQuery(t.Expr)
					if err != nil {
						continue // target-promql reports it
					}
					for _, name := range MetricNames(e) {
						if !slices.Contains(catalog.Catalogue, name) {
							out = append(out, fmt.Sprintf("panel %q target %s: metric %s not in catalog.Catalogue", p.Title, t.RefID, name))
						}
					}
				}
			}
			return out
		}},
		{"panel-ids", func(b lintBoard) (out []string) {
			seen := map[uint32]string{}
			for _, p := range b.panels() {
				if p.ID == nil {
					out = append(out, fmt.Sprintf("panel %q has no id", p.Title))
					continue
				}
				if other, ok := seen[*p.ID]; ok {
					out = append(out, fmt.Sprintf("panels %q and %q share id %d", other, p.Title, *p.ID))
				}
				seen[*p.ID] = p.Title
			}
			return out
		}},
		{"grid-layout", func(b lintBoard) (out []string) {
			ps := b.panels()
			rowWidth := map[int]int{}
			for i, p := range ps {
				g := p.GridPos
				if g == nil || g.W <= 0 || g.H <= 0 {
					out = append(out, fmt.Sprintf("panel %q has no size", p.Title))
					continue
				}
				if g.X+g.W > 24 {
					out = append(out, fmt.Sprintf("panel %q spans x %d..%d > 24", p.Title, g.X, g.X+g.W))
				}
				rowWidth[g.Y] += g.W
				for _, q := range ps[:i] {
					h := q.GridPos
					if h != nil && g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
						out = append(out, fmt.Sprintf("panels %q and %q overlap", q.Title, p.Title))
					}
				}
			}
			for y, w := range rowWidth {
				if w != 24 {
					out = append(out, fmt.Sprintf("row at y=%d is %d wide, want 24", y, w))
				}
			}
			return out
		}},
		{"board-identity", func(b lintBoard) (out []string) {
			if !slices.Contains([]string{links.DashboardOverview, links.DashboardCustomer, links.DashboardExporter}, b.UID) {
				out = append(out, fmt.Sprintf("uid %q is not one of links.Dashboard*", b.UID))
			}
			if !slices.Contains(b.Tags, Tag) {
				out = append(out, fmt.Sprintf("tags %v lack %q", b.Tags, Tag))
			}
			for _, l := range b.Links {
				if l.Type == "dashboards" && slices.Contains(l.Tags, Tag) {
					return out
				}
			}
			return append(out, "no link to the other custops boards")
		}},
	}
}

// customerRules apply to the customer board only: it is shown to the customer.
func customerRules(opts Options) []lintRule {
	return []lintRule{
		{"customer-filter", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				for _, t := range p.Targets {
					if !strings.Contains(t.Expr, customerMatcher) {
						out = append(out, fmt.Sprintf("panel %q target %s lacks %s: %s", p.Title, t.RefID, customerMatcher, t.Expr))
					}
				}
			}
			return out
		}},
		{"customer-no-csm", func(b lintBoard) (out []string) {
			for _, p := range b.panels() {
				for _, t := range p.Targets {
					if strings.Contains(t.Expr, catalog.MetricCustomerInfo) || strings.Contains(t.Expr+t.Legend, catalog.LabelCSM) {
						out = append(out, fmt.Sprintf("panel %q target %s reads customer_info or its csm label", p.Title, t.RefID))
					}
				}
			}
			if strings.Contains(strings.ToLower(b.raw), catalog.LabelCSM) {
				out = append(out, "board JSON mentions the CSM")
			}
			return out
		}},
		{"customer-screenshot-height", func(b lintBoard) (out []string) {
			bottom := 0
			for _, p := range b.panels() {
				if p.GridPos != nil {
					bottom = max(bottom, p.GridPos.Y+p.GridPos.H)
				}
			}
			if bottom > 30 {
				out = append(out, fmt.Sprintf("board is %d grid units high, want <= 30 for one 1920x1080 screenshot", bottom))
			}
			return out
		}},
		{"customer-variable", func(b lintBoard) (out []string) {
			want := "label_values(" + catalog.MetricCustomerInfo + ", " + catalog.LabelCustomer + ")"
			for _, v := range b.Templating.List {
				if v.Name != customerVar {
					continue
				}
				if v.Type != "query" || v.Query != want || v.Multi || v.IncludeAll {
					out = append(out, fmt.Sprintf("customer variable is %s %v multi=%v all=%v, want single-valued query %s", v.Type, v.Query, v.Multi, v.IncludeAll, want))
				}
				return out
			}
			return append(out, "no customer variable")
		}},
		{"customer-tickets-link", func(b lintBoard) (out []string) {
			want := links.CustomerTickets(opts.withDefaults().ExporterURL, "${"+customerVar+"}")
			for _, l := range b.Links {
				if l.URL == want {
					return out
				}
			}
			return append(out, "no dashboard link to "+want)
		}},
	}
}

var rangeRe = regexp.MustCompile(`\[([^\]]*)\]`)

// countersOutsideRate lists counters (names ending _total) the expression reads other than through
// rate, increase or irate, whose raw values are meaningless across restarts.
func countersOutsideRate(expr string) []string {
	e, err := ParseQuery(expr)
	if err != nil {
		return nil // target-promql reports it
	}
	var bad []string
	promparser.Inspect(e, func(n promparser.Node, path []promparser.Node) error {
		vs, ok := n.(*promparser.VectorSelector)
		if !ok || !strings.HasSuffix(vs.Name, "_total") {
			return nil
		}
		for _, a := range path {
			if c, ok := a.(*promparser.Call); ok && slices.Contains([]string{"rate", "increase", "irate"}, c.Func.Name) {
				return nil
			}
		}
		bad = append(bad, vs.Name)
		return nil
	})
	return bad
}

func decodeBoard(t *testing.T, raw []byte) lintBoard {
	t.Helper()
	var b lintBoard
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("decode board: %v", err)
	}
	b.raw = string(raw)
	return b
}

func generatedBoards(t *testing.T, opts Options) map[string]lintBoard {
	t.Helper()
	files, err := Files(opts)
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	out := map[string]lintBoard{}
	for _, uid := range []string{links.DashboardOverview, links.DashboardCustomer, links.DashboardExporter} {
		raw, ok := files[DashboardsDir+"/"+uid+".json"]
		if !ok {
			t.Fatalf("Files has no board %s", uid)
		}
		out[uid] = decodeBoard(t, raw)
	}
	return out
}

func TestLint(t *testing.T) {
	opts := DefaultOptions()
	for uid, b := range generatedBoards(t, opts) {
		rules := lintRules()
		if uid == links.DashboardCustomer {
			rules = append(rules, customerRules(opts)...)
		}
		for _, r := range rules {
			t.Run(uid+"/"+r.name, func(t *testing.T) {
				if got := r.check(b); len(got) > 0 {
					t.Errorf("got problems:\n%s\nwant none", strings.Join(got, "\n"))
				}
			})
		}
	}
}

// TestLintCatches proves each rule can fail: a board with one mistake gets a problem from the rule.
func TestLintCatches(t *testing.T) {
	good := func() lintPanel {
		id := uint32(1)
		p := lintPanel{ID: &id, Type: "stat", Title: "t", Description: "d",
			Datasource: &lintRef{"prometheus", dsVar}, GridPos: &lintPos{0, 0, 24, 4},
			Targets: []lintTarget{{RefID: "A", Expr: `sum(` + catalog.MetricOpenTickets + `{` + customerMatcher + `})`, Datasource: &lintRef{"prometheus", dsVar}}}}
		p.FieldConfig.Defaults.Unit = unitNone
		return p
	}
	board := func(mutate func(b *lintBoard)) lintBoard {
		b := lintBoard{UID: links.DashboardCustomer, Tags: []string{Tag}, Panels: []lintPanel{good()},
			Links: []lintLink{{Type: "dashboards", Tags: []string{Tag}}, {URL: links.CustomerTickets(DefaultOptions().ExporterURL, "${customer}")}}}
		b.Templating.List = []lintVar{{Type: "datasource", Name: datasourceVar, Query: "prometheus"},
			{Type: "query", Name: customerVar, Query: "label_values(" + catalog.MetricCustomerInfo + ", " + catalog.LabelCustomer + ")", Datasource: &lintRef{"prometheus", dsVar}}}
		if mutate != nil {
			mutate(&b)
		}
		return b
	}
	expr := func(e string) func(b *lintBoard) { return func(b *lintBoard) { b.Panels[0].Targets[0].Expr = e } }
	cases := []struct {
		rule   string
		mutate func(b *lintBoard)
	}{
		{"panel-title-description", func(b *lintBoard) { b.Panels[0].Description = "" }},
		{"panel-units", func(b *lintBoard) { b.Panels[0].FieldConfig.Defaults.Unit = "" }},
		{"panel-has-targets", func(b *lintBoard) { b.Panels[0].Targets = nil }},
		{"panel-datasource", func(b *lintBoard) { b.Panels[0].Targets[0].Datasource = &lintRef{"prometheus", "prometheus"} }},
		{"template-datasource", func(b *lintBoard) { b.Templating.List = b.Templating.List[1:] }},
		{"target-promql", expr(`sum(` + catalog.MetricOpenTickets + `{` + customerMatcher + `}`)},
		{"target-counter-rate", expr(`sum(` + catalog.MetricSourceRequestsTotal + `{` + customerMatcher + `})`)},
		{"target-rate-interval", expr(`sum(rate(` + catalog.MetricSourceRequestsTotal + `{` + customerMatcher + `}[5m]))`)},
		{"target-catalogue", expr(`sum(custops_not_a_metric{` + customerMatcher + `})`)},
		{"panel-ids", func(b *lintBoard) { b.Panels = append(b.Panels, good()); b.Panels[1].GridPos = &lintPos{0, 4, 24, 4} }},
		{"grid-layout", func(b *lintBoard) { b.Panels[0].GridPos = &lintPos{4, 0, 24, 4} }},
		{"board-identity", func(b *lintBoard) { b.UID = "something-else" }},
		{"customer-filter", expr(`sum(` + catalog.MetricOpenTickets + `)`)},
		{"customer-no-csm", func(b *lintBoard) { b.Panels[0].Targets[0].Legend = "{{" + catalog.LabelCSM + "}}" }},
		{"customer-screenshot-height", func(b *lintBoard) { b.Panels[0].GridPos = &lintPos{0, 0, 24, 31} }},
		{"customer-variable", func(b *lintBoard) { b.Templating.List[1].IncludeAll = true }},
		{"customer-tickets-link", func(b *lintBoard) { b.Links = b.Links[:1] }},
	}
	rules := map[string]lintRule{}
	for _, r := range append(lintRules(), customerRules(DefaultOptions())...) {
		rules[r.name] = r
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			r, ok := rules[c.rule]
			if !ok {
				t.Fatalf("no rule %q", c.rule)
			}
			if got := r.check(board(nil)); len(got) > 0 {
				t.Fatalf("clean board: got %v, want no problems", got)
			}
			if got := r.check(board(c.mutate)); len(got) == 0 {
				t.Errorf("broken board: got no problems, want at least one")
			}
		})
	}
	if len(cases) != len(rules) {
		t.Errorf("got %d cases for %d rules, want one case per rule", len(cases), len(rules))
	}
}
