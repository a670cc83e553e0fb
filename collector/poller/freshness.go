package poller

import (
	"time"

	"github.com/custops/custops/internal/human"
)

// Freshness is what a reader of a number must know about one source's data: when it was last
// fetched and whether that is too long ago. Pages and the report show it beside their numbers.
type Freshness struct {
	Source string
	// Known: the view was computed by a running poller. A view computed without polling
	// (`custops report` from a store) knows no fetch times.
	Known bool
	Up    bool      // the last poll succeeded
	Last  time.Time // wall clock of the last successful poll; zero before the first
	// Limit is how old the data may be before it is stale: the source's poll interval times
	// stale_after_polls.
	Limit time.Duration
	Age   time.Duration // since Last, at the view's wall clock
	Stale bool          // Known, and down, never fetched, or older than Limit
}

// Freshness returns every configured source's freshness at the view's wall clock, in config order.
func (v *View) Freshness() []Freshness {
	polls := v.Config.StaleAfterPolls
	if polls < 1 {
		polls = 1
	}
	out := make([]Freshness, len(v.Sources))
	for i, s := range v.Sources {
		f := Freshness{Source: s.Name, Known: !v.Wall.IsZero(), Up: s.Up, Last: s.LastSuccess, Limit: s.PollInterval * time.Duration(polls)}
		if f.Known {
			if !f.Last.IsZero() {
				f.Age = v.Wall.Sub(f.Last)
			}
			f.Stale = !f.Up || f.Last.IsZero() || f.Age > f.Limit
		}
		out[i] = f
	}
	return out
}

// Stale reports whether any source's data is stale.
func (v *View) Stale() bool {
	for _, f := range v.Freshness() {
		if f.Stale {
			return true
		}
	}
	return false
}

// Banner says in one sentence why a reader should not take the source's numbers as current, or
// "" when they are (or when the view knows no fetch times). fetched is LastSuccess written the
// reader's way (its zone and date format). The pages and the report show the same sentence.
func (f Freshness) Banner(fetched string) string {
	switch {
	case !f.Known || !f.Stale:
		return ""
	case f.Last.IsZero():
		return f.Source + " has not been fetched yet: its tickets are missing from every number below."
	case !f.Up:
		return f.Source + " is down: its last successful fetch was at " + fetched + ". Its numbers below are as of then."
	default:
		return "Data from " + f.Source + " is stale: last fetched at " + fetched + ", more than " +
			human.Duration(f.Limit) + " ago. Its numbers below may be out of date."
	}
}

// Fetched writes when the source's data was last fetched with its age: "2026-11-30 09:58 UTC
// (2m ago)"; "never" before the first successful poll. at writes an instant the reader's way.
func (f Freshness) Fetched(at func(time.Time) string) string {
	switch {
	case f.Last.IsZero():
		return "never"
	case !f.Known:
		return at(f.Last)
	}
	return at(f.Last) + " (" + human.Duration(f.Age) + " ago)"
}

// Status names the freshness in a word or two, as the pages, the API and the report write it:
// fresh, stale, down, not fetched yet, or not recorded (a view computed without polling).
func (f Freshness) Status() string {
	switch {
	case !f.Known:
		return "not recorded"
	case f.Last.IsZero():
		return "not fetched yet"
	case !f.Up:
		return "down"
	case f.Stale:
		return "stale"
	}
	return "fresh"
}
