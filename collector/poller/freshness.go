package poller

import "time"

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
