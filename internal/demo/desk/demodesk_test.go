package desk

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/jira"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/collector/source/zendesk"
	"github.com/custops/custops/internal/demo/sim"
)

var start = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// TestDesksServeTheWorldOverTheWire polls each desk with the real source and gets every ticket
// of the simulated world; the desk's answers carry its clock, so the source measures no skew
// against it; an outage fails the poll and keeps what was stored.
func TestDesksServeTheWorldOverTheWire(t *testing.T) {
	cases := []struct {
		kind    Kind
		factory source.Factory
	}{
		{Jira, jira.New},
		{Zendesk, zendesk.New},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			clock := sourcetest.NewClock(start)
			d, err := Start(Options{
				Kind:  c.kind,
				World: sim.WorldOptions{Desk: string(c.kind), Seed: 3, History: 3 * 24 * time.Hour, Start: start},
				Email: "demo@custops.invalid", Token: "t0ken-for-the-test", Now: clock.Now,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()

			stats := source.NewStats()
			src, err := c.factory(config.Source{
				Name: "desk", Type: string(c.kind), URL: d.URL, PageSize: 100,
				Auth:             config.Auth{Email: d.Email, Secret: config.NewSecret("t0ken-for-the-test")},
				ResolutionMetric: "requester_wait_time", DefaultPriority: "p3", SLA: config.SLANative,
				CustomerFrom: []config.MatchRule{{Kind: config.MatchOrganization}},
			}, source.Deps{Logger: slog.New(slog.DiscardHandler), Stats: stats, Now: clock.Now,
				Sleep: clock.Sleep})
			if err != nil {
				t.Fatal(err)
			}
			st := sourcetest.NewMemStore()
			if err := src.Poll(context.Background(), st); err != nil {
				t.Fatalf("poll: %v", err)
			}
			if skew, ok := stats.Skew(); !ok || skew != 0 {
				t.Errorf("clock skew against the desk: %v (measured %v), want 0", skew, ok)
			}
			want := len(d.world.Keys())
			if got := st.Len(); got != want || want == 0 {
				t.Errorf("stored %d tickets, the world has %d", got, want)
			}

			d.SetDown(true)
			if err := src.Poll(context.Background(), st); err == nil {
				t.Errorf("poll during an outage succeeded")
			}
			if got := st.Len(); got != want {
				t.Errorf("an outage changed the store: %d tickets, want %d", got, want)
			}
		})
	}
}
