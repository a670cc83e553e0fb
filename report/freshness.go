package report

import "time"

// SourceState is what a reader must know about one source's data: when it was last fetched and
// the newest change among this customer's tickets from it.
type SourceState struct {
	Name    string
	Fetched string // "30.11.2026 09:58 EET (2m ago)"; "not recorded" for a report made from the store
	Newest  string // the newest change of the customer's tickets from the source; "–" for none
	Status  string // fresh, stale, down, not fetched yet, not recorded
	Stale   bool
}

// freshness says per source when its data was fetched (poller.View.Freshness, one judgement for
// every page) and returns a banner for each source that is down, never fetched or stale, plus one
// when the view was computed without polling, so fetch times are not known.
func (c *customerContext) freshness() ([]SourceState, []string) {
	newest := map[string]time.Time{}
	for _, t := range c.tickets {
		if t.Updated.After(newest[t.Source]) {
			newest[t.Source] = t.Updated
		}
	}
	var out []SourceState
	var banners []string
	unknown := false
	for _, f := range c.view.Freshness() {
		s := SourceState{Name: f.Source, Newest: "–", Stale: f.Stale}
		if n := newest[f.Source]; !n.IsZero() {
			s.Newest = c.time(n)
		}
		fetched := f.Fetched(c.time)
		s.Status, s.Fetched = f.Status(), fetched
		if !f.Known {
			unknown = true
			s.Fetched = "not recorded"
		}
		// The sentence the exporter's pages show too (poller.Freshness.Banner).
		if b := f.Banner(fetched); b != "" {
			banners = append(banners, b)
		}
		out = append(out, s)
	}
	if unknown {
		banners = append(banners, "Produced from the stored data, not by the running exporter: when each desk was last fetched is not recorded. The newest change per source is shown below.")
	}
	return out, banners
}
