// Package chart draws the report's small charts as inline SVG: lines with a target line, grouped
// and stacked bars, and sparklines, over a dozen weeks at most.
//
// Hand-written rather than a charting library: wcharczuk/go-chart, the Go library most projects
// used, is archived; its maintained fork (go-analyze/charts) is pre-1.0, embeds TrueType fonts
// and a rasterizer to measure text, and, like gonum/plot's SVG canvas, draws anonymous paths.
// The report needs the opposite: no fonts (the browser sets the text, so print stays sharp),
// every data point an element carrying its week and value (data-* and a <title>), which the
// browser tests read back and a screen reader announces, and series told apart by dash, marker
// and fill pattern as well as colour, so a greyscale print stays readable. That is a few hundred
// lines over twelve weeks, not a dependency.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/internal/human"
)

// Unit says how values read on the axis and in the points' titles.
type Unit int

// The units.
const (
	Count   Unit = iota // whole numbers: tickets
	Ratio               // 0..1, written as percent
	Seconds             // durations, written as 3h 10m
)

// Series is one named row of values, one per label; NaN means no value for that label (nothing
// completed that week): no point is drawn and a line breaks there.
type Series struct {
	Name   string
	Values []float64
}

// Chart is a chart of series over labelled slots (weeks).
type Chart struct {
	ID     string // the data-chart attribute, unique on the page: [a-z0-9-]
	Title  string // what the chart shows, for the accessible title
	Labels []string
	Series []Series
	Unit   Unit
	// Target draws a dashed reference line (a contractual target) when HasTarget.
	Target      float64
	TargetLabel string
	HasTarget   bool
}

// Geometry of every chart, in viewBox units; the page scales it.
const (
	width   = 360.0
	height  = 190.0
	left    = 46.0
	right   = 10.0
	top     = 10.0
	plotH   = 130.0
	labelY  = top + plotH + 13
	legendY = height - 8
	plotW   = width - left - right
)

// style is how one series looks: distinct in colour, and in greyscale by luminance, dash,
// marker and fill pattern.
type style struct {
	color   string
	dash    string // stroke-dasharray of a line
	marker  string // circle, square, triangle, diamond
	pattern string // bar fill: solid, hatch, light, dots
}

var styles = []style{
	{"#1d3f73", "", "circle", "solid"},
	{"#c05a00", "6 3", "square", "hatch"},
	{"#2e7d4a", "2 2", "triangle", "light"},
	{"#6b3fa0", "8 3 2 3", "diamond", "dots"},
	{"#555555", "1 3", "circle", "solid"},
	{"#8c6d1f", "4 4", "square", "hatch"},
}

func styleOf(i int) style { return styles[i%len(styles)] }

// points counts the values that are drawn.
func (c Chart) points() int {
	n := 0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				n++
			}
		}
	}
	return n
}

// scale returns the axis maximum: 100% for ratios, else a round number above every value and
// the target.
func (c Chart) scale(stacked bool) float64 {
	if c.Unit == Ratio {
		return 1
	}
	top := 0.0
	for i := range c.Labels {
		sum := 0.0
		for _, s := range c.Series {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				continue
			}
			if stacked {
				sum += s.Values[i]
			} else {
				top = max(top, s.Values[i])
			}
		}
		top = max(top, sum)
	}
	if c.HasTarget {
		top = max(top, c.Target)
	}
	if c.Unit == Seconds {
		return niceDuration(top)
	}
	return niceCount(top)
}

// niceCount rounds up to 1, 2, 2.5 or 5 times a power of ten, at least 4 so small counts get
// whole-number ticks.
func niceCount(v float64) float64 {
	if v <= 4 {
		return 4
	}
	exp := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*exp >= v {
			return f * exp
		}
	}
	return 10 * exp
}

// niceDuration rounds seconds up to a duration that halves into readable ticks.
func niceDuration(v float64) float64 {
	for _, d := range []time.Duration{
		10 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour,
		12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 4 * 24 * time.Hour, 8 * 24 * time.Hour,
		14 * 24 * time.Hour, 30 * 24 * time.Hour, 60 * 24 * time.Hour,
	} {
		if d.Seconds() >= v {
			return d.Seconds()
		}
	}
	return niceCount(v/86400) * 86400
}

// format writes a value as its unit reads.
func (u Unit) format(v float64) string {
	switch u {
	case Ratio:
		return human.Percent(v)
	case Seconds:
		return human.Duration(time.Duration(v * float64(time.Second)))
	}
	return human.Number(v)
}

// tick writes an axis tick: whole percents, else as format.
func (u Unit) tick(v float64) string {
	if u == Ratio {
		return strconv.FormatFloat(v*100, 'f', 0, 64) + "%"
	}
	return u.format(v)
}

// svg accumulates one chart's markup.
type svg struct {
	b  strings.Builder
	id string
}

func (s *svg) f(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func esc(x string) string { return template.HTMLEscapeString(x) }

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// raw writes a value for data-value exactly, so tests compare it with the history's numbers.
func raw(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// open starts the chart: the root element with its point count, its title, and the patterns
// the bars fill with.
func (c Chart) open(s *svg) {
	s.id = c.ID
	s.f(`<svg class="chart" data-chart="%s" data-points="%d" viewBox="0 0 %v %v" role="img" aria-labelledby="%s-t" xmlns="http://www.w3.org/2000/svg">`,
		esc(c.ID), c.points(), width, height, esc(c.ID))
	s.f(`<title id="%s-t">%s</title>`, esc(c.ID), esc(c.Title))
	s.f(`<defs>`)
	for i := range c.Series {
		st := styleOf(i)
		pid := fmt.Sprintf("%s-p%d", c.ID, i)
		switch st.pattern {
		case "hatch":
			s.f(`<pattern id="%s" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/><rect width="2.2" height="5" fill="%s"/></pattern>`, pid, st.color)
		case "dots":
			s.f(`<pattern id="%s" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#fff"/><circle cx="2" cy="2" r="1.1" fill="%s"/></pattern>`, pid, st.color)
		}
	}
	s.f(`</defs>`)
}

// fill is the fill of series i's bars.
func (s *svg) fill(i int) string {
	switch st := styleOf(i); st.pattern {
	case "hatch", "dots":
		return fmt.Sprintf("url(#%s-p%d)", s.id, i)
	default:
		return st.color
	}
}

// opacity is the fill opacity of series i's bars: the light pattern is a pale solid.
func opacity(i int) string {
	if styleOf(i).pattern == "light" {
		return "0.45"
	}
	return "1"
}

// axes draws the horizontal grid with three labelled ticks, the x labels and the legend.
func (c Chart) axes(s *svg, scale float64) {
	for _, f := range []float64{0, 0.5, 1} {
		y := top + plotH*(1-f)
		s.f(`<line class="grid" x1="%v" y1="%s" x2="%v" y2="%s" stroke="#d0d7de" stroke-width="0.6"/>`, left, num(y), width-right, num(y))
		s.f(`<text x="%v" y="%s" text-anchor="end" font-size="8.5" fill="#444">%s</text>`, left-4, num(y+3), esc(c.Unit.tick(scale*f)))
	}
	slot := plotW / float64(max(len(c.Labels), 1))
	for i, l := range c.Labels {
		x := left + slot*(float64(i)+0.5)
		s.f(`<text x="%s" y="%v" text-anchor="middle" font-size="8" fill="#444">%s</text>`, num(x), labelY, esc(l))
	}
	if c.HasTarget {
		y := top + plotH*(1-c.Target/scale)
		s.f(`<line class="target" x1="%v" y1="%s" x2="%v" y2="%s" stroke="#b42318" stroke-width="1.2" stroke-dasharray="5 3"/>`, left, num(y), width-right, num(y))
		s.f(`<text x="%v" y="%s" text-anchor="end" font-size="8" fill="#b42318">%s</text>`, width-right, num(y-3), esc(c.TargetLabel))
	}
	x := left
	for i, ser := range c.Series {
		st := styleOf(i)
		s.f(`<g class="legend">`)
		s.f(`<rect x="%s" y="%v" width="14" height="7" fill="%s" fill-opacity="%s" stroke="%s" stroke-width="0.6"/>`, num(x), legendY-7, s.fill(i), opacity(i), st.color)
		s.f(`<text x="%s" y="%v" font-size="8.5" fill="#222">%s</text>`, num(x+17), legendY, esc(ser.Name))
		s.f(`</g>`)
		x += 26 + 5*float64(len(ser.Name))
	}
	if c.HasTarget {
		s.f(`<g class="legend"><line x1="%s" y1="%v" x2="%s" y2="%v" stroke="#b42318" stroke-width="1.2" stroke-dasharray="5 3"/><text x="%s" y="%v" font-size="8.5" fill="#222">%s</text></g>`,
			num(x), legendY-3.5, num(x+14), legendY-3.5, num(x+17), legendY, esc(c.TargetLabel))
	}
}

// empty writes the note a chart without any value shows instead of points.
func (c Chart) empty(s *svg) {
	if c.points() == 0 {
		s.f(`<text class="no-data" x="%v" y="%v" text-anchor="middle" font-size="10" fill="#57606a">No data in these weeks</text>`, left+plotW/2, top+plotH/2)
	}
}

// title is a point's tooltip and accessible name.
func (c Chart) title(label, series string, v float64) string {
	if len(c.Series) == 1 {
		return label + ": " + c.Unit.format(v)
	}
	return label + " " + series + ": " + c.Unit.format(v)
}

// Line draws each series as a line with a marker per value; a missing value breaks the line.
func (c Chart) Line() template.HTML {
	var s svg
	c.open(&s)
	scale := c.scale(false)
	c.axes(&s, scale)
	slot := plotW / float64(max(len(c.Labels), 1))
	for si, ser := range c.Series {
		st := styleOf(si)
		var path strings.Builder
		pen := false
		for i, v := range ser.Values {
			if math.IsNaN(v) {
				pen = false
				continue
			}
			x, y := left+slot*(float64(i)+0.5), top+plotH*(1-min(v/scale, 1))
			if pen {
				fmt.Fprintf(&path, " L%s %s", num(x), num(y))
			} else {
				fmt.Fprintf(&path, " M%s %s", num(x), num(y))
			}
			pen = true
		}
		if path.Len() > 0 {
			s.f(`<path class="series" d="%s" fill="none" stroke="%s" stroke-width="1.6" stroke-dasharray="%s"/>`, strings.TrimSpace(path.String()), st.color, st.dash)
		}
		for i, v := range ser.Values {
			if math.IsNaN(v) || i >= len(c.Labels) {
				continue
			}
			x, y := left+slot*(float64(i)+0.5), top+plotH*(1-min(v/scale, 1))
			s.f(`<g class="pt" data-series="%s" data-label="%s" data-value="%s">`, esc(ser.Name), esc(c.Labels[i]), raw(v))
			marker(&s, st, x, y)
			s.f(`<title>%s</title></g>`, esc(c.title(c.Labels[i], ser.Name, v)))
		}
	}
	c.empty(&s)
	s.f(`</svg>`)
	return template.HTML(s.b.String())
}

// marker draws a series' marker shape at (x, y): white-filled, so overlapping lines stay legible.
func marker(s *svg, st style, x, y float64) {
	const r = 3.0
	switch st.marker {
	case "square":
		s.f(`<rect x="%s" y="%s" width="%v" height="%v" fill="#fff" stroke="%s" stroke-width="1.4"/>`, num(x-r), num(y-r), 2*r, 2*r, st.color)
	case "triangle":
		s.f(`<path d="M%s %s L%s %s L%s %s Z" fill="#fff" stroke="%s" stroke-width="1.4"/>`, num(x), num(y-r-0.5), num(x+r), num(y+r-0.5), num(x-r), num(y+r-0.5), st.color)
	case "diamond":
		s.f(`<path d="M%s %s L%s %s L%s %s L%s %s Z" fill="#fff" stroke="%s" stroke-width="1.4"/>`, num(x), num(y-r-0.5), num(x+r+0.5), num(y), num(x), num(y+r+0.5), num(x-r-0.5), num(y), st.color)
	default:
		s.f(`<circle cx="%s" cy="%s" r="%v" fill="%s" stroke="%s" stroke-width="1.4"/>`, num(x), num(y), r, st.color, st.color)
	}
}

// Bars draws the series side by side in each slot.
func (c Chart) Bars() template.HTML { return c.bars(false) }

// Stacked draws the series stacked in each slot, the first at the bottom.
func (c Chart) Stacked() template.HTML { return c.bars(true) }

func (c Chart) bars(stacked bool) template.HTML {
	var s svg
	c.open(&s)
	scale := c.scale(stacked)
	c.axes(&s, scale)
	slot := plotW / float64(max(len(c.Labels), 1))
	bw := slot * 0.7
	if !stacked && len(c.Series) > 0 {
		bw /= float64(len(c.Series))
	}
	for i := range c.Labels {
		base := top + plotH
		for si, ser := range c.Series {
			if i >= len(ser.Values) || math.IsNaN(ser.Values[i]) {
				continue
			}
			v := ser.Values[i]
			h := plotH * min(v/scale, 1)
			x := left + slot*float64(i) + slot*0.15
			y := base - h
			if stacked {
				base = y
			} else {
				x += bw * float64(si)
				y = top + plotH - h
			}
			s.f(`<rect class="pt" data-series="%s" data-label="%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="%s" stroke="%s" stroke-width="0.6"><title>%s</title></rect>`,
				esc(ser.Name), esc(c.Labels[i]), raw(v), num(x), num(y), num(bw), num(h), s.fill(si), opacity(si), styleOf(si).color, esc(c.title(c.Labels[i], ser.Name, v)))
		}
	}
	c.empty(&s)
	s.f(`</svg>`)
	return template.HTML(s.b.String())
}

// Spark draws a sparkline of values (NaN: none) in a small inline box, a point per value.
func Spark(id, title string, values []float64) template.HTML {
	const w, h, pad = 96.0, 22.0, 3.0
	var s svg
	n := 0
	peak := 0.0
	for _, v := range values {
		if !math.IsNaN(v) {
			n++
			peak = max(peak, v)
		}
	}
	peak = max(peak, 1)
	s.f(`<svg class="spark" data-chart="%s" data-points="%d" viewBox="0 0 %v %v" width="%v" height="%v" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		esc(id), n, w, h, w, h, esc(title))
	step := (w - 2*pad) / float64(max(len(values)-1, 1))
	var path strings.Builder
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		op := "L"
		if path.Len() == 0 {
			op = "M"
		}
		fmt.Fprintf(&path, "%s%s %s ", op, num(pad+step*float64(i)), num(h-pad-(h-2*pad)*v/peak))
	}
	if path.Len() > 0 {
		s.f(`<path d="%s" fill="none" stroke="#1d3f73" stroke-width="1.2"/>`, strings.TrimSpace(path.String()))
	}
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		s.f(`<circle class="pt" data-value="%s" cx="%s" cy="%s" r="1.6" fill="#1d3f73"/>`, raw(v), num(pad+step*float64(i)), num(h-pad-(h-2*pad)*v/peak))
	}
	s.f(`</svg>`)
	return template.HTML(s.b.String())
}
