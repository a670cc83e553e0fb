package report

import (
	"fmt"
	"math"
	"time"

	"github.com/custops/custops/collector/history"
	"github.com/custops/custops/internal/human"
)

// Headline is one headline number of the week with its change against the week before.
type Headline struct {
	ID    string  // data-headline: "sla-first_response", "created", ...
	Title string  // "First response on time"
	Value string  // this week, for people: "92.3%", "14", "3h 10m"; "–" without data
	Raw   float64 // this week's number (a ratio, a count, seconds); NaN without data
	Note  string  // what it is made of: "12 of 13 on time"
	Change
}

// Change is how a headline number moved since the previous week, in words, so it reads the same
// printed in greyscale; Verdict picks the colour.
type Change struct {
	Words   string // "up 2.0 points from 90.3%", "down 3 from 17", "no change", "no data the week before"
	Verdict string // better, worse, same, neutral (moved, neither better nor worse), none (nothing to compare)
}

// sense says which way is better for a number.
type sense int

const (
	higherBetter sense = iota
	lowerBetter
	neutral
)

// unit says how a headline number is written.
type unit int

const (
	count unit = iota
	percent
	seconds
)

func (u unit) format(v float64) string {
	switch u {
	case percent:
		return human.Percent(v)
	case seconds:
		return human.Duration(time.Duration(v * float64(time.Second)))
	}
	return human.Number(v)
}

// change compares this week's value with the previous week's.
func change(now, before float64, u unit, s sense) Change {
	switch {
	case math.IsNaN(now):
		return Change{Words: "no data this week", Verdict: "none"}
	case math.IsNaN(before):
		return Change{Words: "no data the week before", Verdict: "none"}
	}
	diff := now - before
	if u == percent {
		diff = math.Round(diff*1000) / 1000 // one decimal of a percentage point
	}
	if u == seconds {
		diff = math.Round(diff/60) * 60 // durations move by whole minutes
	}
	if diff == 0 {
		return Change{Words: "no change from " + u.format(before), Verdict: "same"}
	}
	dir := "up"
	if diff < 0 {
		dir = "down"
	}
	var by string
	switch u {
	case percent:
		by = fmt.Sprintf("%.1f points", math.Abs(diff)*100)
	case seconds:
		by = human.Duration(time.Duration(math.Abs(diff) * float64(time.Second)))
	default:
		by = human.Number(math.Abs(diff))
	}
	c := Change{Words: fmt.Sprintf("%s %s from %s", dir, by, u.format(before))}
	switch {
	case s == neutral:
		c.Verdict = "neutral"
	case (diff > 0) == (s == higherBetter):
		c.Verdict = "better"
	default:
		c.Verdict = "worse"
	}
	return c
}

// headline builds one headline.
func headline(id, title, note string, now, before float64, u unit, s sense) Headline {
	h := Headline{ID: id, Title: title, Raw: now, Note: note, Change: change(now, before, u, s)}
	h.Value = "–"
	if !math.IsNaN(now) {
		h.Value = u.format(now)
	}
	return h
}

// headlines are the week's headline numbers against the week before: each SLA's compliance,
// SLA breaches, tickets created and resolved, the backlog at the week's end, satisfaction, the
// share through official channels, and the median times to first response and to resolution.
func (c *customerContext) headlines(w, prev history.Weekly, breaches, prevBreaches int) []Headline {
	var out []Headline
	for _, s := range w.SLAs {
		p, _ := prev.SLA(s.Name)
		now, okNow := s.Ratio()
		before, okBefore := p.Ratio()
		note := fmt.Sprintf("%d of %d on time", s.Met, s.Met+s.Breached)
		if !okNow {
			note = "no ticket completed this SLA this week"
		}
		out = append(out, headline("sla-"+s.Name, human.SLA(s.Name)+" on time", note, ratio(now, okNow), ratio(before, okBefore), percent, higherBetter))
	}
	out = append(out,
		headline("breaches", "SLA breaches", "SLA goals passed during the week (listed below)", float64(breaches), float64(prevBreaches), count, lowerBetter),
		headline("created", "Tickets created", "", float64(w.Created), float64(prev.Created), count, neutral),
		headline("resolved", "Tickets resolved", "", float64(w.Resolved), float64(prev.Resolved), count, higherBetter),
		headline("backlog", "Open at the week's end", c.backlogNote(w), float64(w.BacklogTotal()), float64(prev.BacklogTotal()), count, lowerBetter),
	)
	csat, okCSAT := w.CSATRatio()
	prevCSAT, okPrevCSAT := prev.CSATRatio()
	csatNote := fmt.Sprintf("%d of %d answers good", w.CSATGood, w.CSATGood+w.CSATBad)
	if !okCSAT {
		csatNote = "no satisfaction answer this week"
	}
	official, okOfficial := w.OfficialRatio()
	prevOfficial, okPrevOfficial := prev.OfficialRatio()
	officialNote := fmt.Sprintf("%d of %d new tickets", w.Official, w.Created)
	out = append(out,
		headline("csat", "Satisfied", csatNote, ratio(csat, okCSAT), ratio(prevCSAT, okPrevCSAT), percent, higherBetter),
		headline("official", "Through official channels", officialNote, ratio(official, okOfficial), ratio(prevOfficial, okPrevOfficial), percent, higherBetter),
		headline("first-response", "Median first response", timingNote(w.FirstResponse, "answered"), timingValue(w.FirstResponse), timingValue(prev.FirstResponse), seconds, lowerBetter),
		headline("resolution", "Median resolution", timingNote(w.Resolution, "resolved"), timingValue(w.Resolution), timingValue(prev.Resolution), seconds, lowerBetter),
	)
	return out
}

func (c *customerContext) backlogNote(w history.Weekly) string {
	return fmt.Sprintf("P1 %d · P2 %d · P3 %d · P4 %d, at %s", w.Backlog[0], w.Backlog[1], w.Backlog[2], w.Backlog[3], c.time(w.Until))
}

// timingValue is a median in seconds, NaN when nothing was timed.
func timingValue(t history.Timing) float64 {
	if t.Count == 0 {
		return math.NaN()
	}
	return t.Median.Seconds()
}

func timingNote(t history.Timing, verb string) string {
	if t.Count == 1 {
		return "1 ticket " + verb
	}
	return fmt.Sprintf("%d tickets %s", t.Count, verb)
}
