package server

import (
	"slices"
	"time"

	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/internal/human"
)

// SourceView is one source's data freshness, beside every number of the API and the pages: when
// its data was last fetched and whether it can be taken as current (poller.View.Freshness, the
// judgement the report makes too).
type SourceView struct {
	Name string `json:"name"`
	// State is fresh, stale, down, "not fetched yet" or "not recorded".
	State string `json:"state"`
	Up    bool   `json:"up"` // the last poll succeeded
	// Synced: the source finished a whole poll, in this run or before a restart.
	Synced      bool       `json:"synced"`
	LastSuccess *time.Time `json:"last_success,omitempty"` // absent before the first good poll of this run
	AgeSeconds  *float64   `json:"age_seconds,omitempty"`  // since last_success, at the view's wall clock
	// StaleAfterSeconds is the threshold: the poll interval times the config's stale_after_polls.
	StaleAfterSeconds float64 `json:"stale_after_seconds"`
	// Note says why the data is not current, in the report's words; absent when it is.
	Note string `json:"note,omitempty"`

	fetched string // for the pages: "2026-11-02 10:04 UTC (3m ago)"
	stale   bool
}

// Fetched is when the source's data was last fetched, for the pages.
func (s SourceView) Fetched() string { return s.fetched }

// Fresh reports whether the source's data can be read without a warning.
func (s SourceView) Fresh() bool { return !s.stale }

// pageTime writes an instant the pages' way: 2026-11-02 10:04 UTC.
func pageTime(t time.Time) string { return human.Time(t, time.UTC, "2006-01-02") }

func sourceView(f poller.Freshness, synced bool) SourceView {
	fetched := f.Fetched(pageTime)
	s := SourceView{
		Name: f.Source, State: f.Status(), Up: f.Up, Synced: synced,
		StaleAfterSeconds: f.Limit.Seconds(), Note: f.Banner(fetched), fetched: fetched, stale: f.Stale,
	}
	if !f.Last.IsZero() {
		at := f.Last
		s.LastSuccess = &at
		if f.Known {
			age := f.Age.Seconds()
			s.AgeSeconds = &age
		}
	}
	return s
}

// freshness is the view's sources at its wall clock; names, when given, keeps only those.
func freshness(v *poller.View, names []string) []SourceView {
	out := []SourceView{}
	if v == nil {
		return out
	}
	for i, f := range v.Freshness() {
		if names == nil || slices.Contains(names, f.Source) {
			out = append(out, sourceView(f, v.Sources[i].Synced))
		}
	}
	return out
}

// allFresh reports whether every source in ss is fresh.
func allFresh(ss []SourceView) bool {
	for _, s := range ss {
		if !s.Fresh() {
			return false
		}
	}
	return true
}

// servingSources are the sources whose outage makes a customer's numbers stale: those holding
// its tickets, or every configured source while it has none (any of them may hold its next).
func servingSources(v *poller.View, held []string) []string {
	if len(held) > 0 {
		return held
	}
	names := make([]string, 0, len(v.Sources))
	for _, s := range v.Sources {
		names = append(names, s.Name)
	}
	return names
}
