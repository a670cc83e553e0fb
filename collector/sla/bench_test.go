package sla

import (
	"runtime"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// benchSpans are the ranges BenchmarkAdd and BenchmarkElapsed cover: their cost should grow with
// the weeks and holidays in the range (and the DST changes in it), not with days or minutes.
func benchSpans() []struct {
	name string
	days int
} {
	return []struct {
		name string
		days int
	}{{"1d", 1}, {"30d", 30}, {"365d", 365}, {"3650d", 3650}}
}

// BenchmarkElapsed measures Elapsed over 1, 30 and 365 days on the Vilnius office calendar with
// holidays, from a Monday afternoon (the range crosses both 2026-27 DST changes at 365d).
func BenchmarkElapsed(b *testing.B) {
	cal := calendar(b, "vil")
	from := time.Date(2026, 11, 2, 13, 17, 0, 0, time.UTC)
	for _, s := range benchSpans() {
		b.Run(s.name, func(b *testing.B) {
			to := from.Add(time.Duration(s.days)*24*time.Hour - 3*time.Hour)
			var got time.Duration
			for b.Loop() {
				got = cal.Elapsed(from, to)
			}
			b.ReportMetric(got.Hours(), "work_h")
		})
	}
}

// BenchmarkAdd measures Add with goals of the working time of 1, 30 and 365 days on the same
// calendar.
func BenchmarkAdd(b *testing.B) {
	cal := calendar(b, "vil")
	from := time.Date(2026, 11, 2, 13, 17, 0, 0, time.UTC)
	for _, s := range benchSpans() {
		b.Run(s.name, func(b *testing.B) {
			goal := cal.Elapsed(from, from.Add(time.Duration(s.days)*24*time.Hour-3*time.Hour))
			var last time.Time
			for b.Loop() {
				last = cal.Add(from, goal)
			}
			b.ReportMetric(float64(last.Sub(from))/float64(24*time.Hour), "wall_days")
		})
	}
}

// BenchmarkApply200k measures Apply over 200,000 tickets (mixed modes, customers, states, three
// quarters with history): cold is a fresh engine computing everything, warm a poll one minute
// after the last with every ticket unchanged, where only running clocks are recomputed. The
// generated desk has 63% of its tickets open, far more than a real one; warm-backlog-10pct keeps
// a tenth of them open, closer to a desk whose store holds months of resolved tickets.
func BenchmarkApply200k(b *testing.B) {
	now := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	all := genTickets(200_000, 7, now)
	cfg := benchConfig()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			e, err := NewEngine(cfg)
			if err != nil {
				b.Fatal(err)
			}
			e.Apply(all, customerOfProject, now)
		}
	})
	warm := func(tickets []*ticket.Ticket) func(b *testing.B) {
		return func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			e, err := NewEngine(cfg)
			if err != nil {
				b.Fatal(err)
			}
			e.Apply(tickets, customerOfProject, now)
			runtime.GC()
			runtime.ReadMemStats(&after)
			// What the engine keeps between polls: its cache, the output of the call dropped.
			retained := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
			i := 0
			for b.Loop() {
				i++
				e.Apply(tickets, customerOfProject, now.Add(time.Duration(i)*time.Minute))
			}
			running := 0
			for _, s := range e.cache.slots {
				if s.ent != nil && s.ent.running {
					running++
				}
			}
			b.ReportMetric(retained, "retained_MB")
			b.ReportMetric(float64(e.cache.len()), "computed_tickets")
			b.ReportMetric(float64(running), "running_tickets")
		}
	}
	b.Run("warm", warm(all))
	b.Run("warm-backlog-10pct", warm(withBacklog(all, 0.1, 9, now)))
}

// benchConfig is testConfig with goals for every priority, so that every mapped ticket of a
// computed source has clocks: the heavier case.
func benchConfig() *config.Config {
	cfg := testConfig()
	for name, tier := range cfg.Tiers {
		for _, p := range ticket.Priorities {
			tier.SLA.Goals[p] = map[string]config.Duration{
				ticket.SLAFirstResponse: config.Duration(time.Duration(len(p)) * time.Hour),
				ticket.SLAResolution:    config.Duration(24 * time.Hour),
			}
		}
		cfg.Tiers[name] = tier
	}
	return cfg
}
