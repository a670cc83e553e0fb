package chart

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
)

// node is a parsed SVG element, to count and read points the way a browser would see them.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func parse(t *testing.T, s string) node {
	t.Helper()
	var n node
	if err := xml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("not well-formed SVG: %v\n%s", err, s)
	}
	return n
}

// points returns the data-value of every element of class pt, in document order.
func points(n node) []string {
	var out []string
	if n.attr("class") == "pt" {
		out = append(out, n.attr("data-value"))
	}
	for _, c := range n.Nodes {
		out = append(out, points(c)...)
	}
	return out
}

func TestLine(t *testing.T) {
	nan := math.NaN()
	c := Chart{
		ID: "sla-first-response", Title: "First response <on time>", Labels: []string{"W1", "W2", "W3", "W4"},
		Series: []Series{{Name: "First response", Values: []float64{0.9, nan, 1, 0.5}}},
		Unit:   Ratio, HasTarget: true, Target: 0.95, TargetLabel: "Target 95.0%",
	}
	svg := string(c.Line())
	root := parse(t, svg)
	if got := root.attr("data-points"); got != "3" {
		t.Errorf("data-points = %s, want 3 (a week without data has no point)", got)
	}
	if got := strings.Join(points(root), ","); got != "0.9,1,0.5" {
		t.Errorf("points %s, want 0.9,1,0.5", got)
	}
	if !strings.Contains(svg, `class="series" d="M84.0 23.0 M236.0 10.0 L312.0 75.0"`) {
		t.Errorf("the line must break at the missing week (two moves):\n%s", svg)
	}
	if !strings.Contains(svg, `class="target"`) || !strings.Contains(svg, "Target 95.0%") {
		t.Errorf("no target line")
	}
	if strings.Contains(svg, "<on time>") || !strings.Contains(svg, "&lt;on time&gt;") {
		t.Errorf("the title is not escaped")
	}
}

func TestBars(t *testing.T) {
	c := Chart{
		ID: "flow", Labels: []string{"W1", "W2"}, Unit: Count,
		Series: []Series{{Name: "Created", Values: []float64{3, 0}}, {Name: "Resolved", Values: []float64{2, 5}}},
	}
	for name, svg := range map[string]string{"grouped": string(c.Bars()), "stacked": string(c.Stacked())} {
		root := parse(t, svg)
		if got := strings.Join(points(root), ","); got != "3,2,0,5" {
			t.Errorf("%s: points %s, want every value including zero, week by week", name, got)
		}
		if root.attr("data-points") != "4" {
			t.Errorf("%s: data-points %s", name, root.attr("data-points"))
		}
		if !strings.Contains(svg, `url(#flow-p1)`) || !strings.Contains(svg, `<pattern id="flow-p1"`) {
			t.Errorf("%s: the second series is not hatched for greyscale print", name)
		}
	}
}

func TestEmptyAndScale(t *testing.T) {
	nan := math.NaN()
	svg := string(Chart{ID: "csat", Labels: []string{"W1"}, Series: []Series{{Name: "CSAT", Values: []float64{nan}}}, Unit: Ratio}.Line())
	if root := parse(t, svg); root.attr("data-points") != "0" || !strings.Contains(svg, "No data in these weeks") {
		t.Errorf("an empty chart says so:\n%s", svg)
	}
	for v, want := range map[float64]float64{0: 4, 3: 4, 7: 10, 12: 20, 23: 25, 260: 500} {
		if got := niceCount(v); got != want {
			t.Errorf("niceCount(%v) = %v, want %v", v, got, want)
		}
	}
	if got := niceDuration(5000); got != 7200 {
		t.Errorf("niceDuration(5000s) = %v, want 2h", got)
	}
	if got := (Chart{Unit: Seconds, Labels: []string{"a"}, Series: []Series{{Values: []float64{90000}}}}).scale(false); got != 48*3600 {
		t.Errorf("seconds scale %v", got)
	}
}

func TestSpark(t *testing.T) {
	svg := string(Spark("theme-billing", "Billing per week", []float64{1, 0, 3}))
	root := parse(t, svg)
	if root.attr("data-points") != "3" || strings.Join(points(root), ",") != "1,0,3" {
		t.Errorf("spark: %s", svg)
	}
}
