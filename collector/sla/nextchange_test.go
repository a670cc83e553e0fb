package sla

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// TestNextChange is the table of when a clock's state next changes, on the clocks of
// TestStatusAt.
func TestNextChange(t *testing.T) {
	vil := zone(t, "Europe/Vilnius")
	at := func(s string) time.Time { return wallIn(t, vil, s) }
	pct25 := config.Threshold{Fraction: 0.25}
	running := ticket.Cycle{Start: at("2026-11-03 10:00"), Goal: 4 * time.Hour, Elapsed: time.Hour,
		BreachAt: at("2026-11-03 14:00"), ObservedAt: at("2026-11-03 11:00")}
	business := ticket.Cycle{Start: at("2026-11-05 10:00"), Goal: 8 * time.Hour, Elapsed: 5 * time.Hour,
		BreachAt: at("2026-11-09 11:00"), ObservedAt: at("2026-11-06 17:00")}
	businessNoBreach := business
	businessNoBreach.BreachAt = time.Time{}
	with := func(c ticket.Cycle, f func(*ticket.Cycle)) ticket.Cycle { f(&c); return c }

	tests := []struct {
		name string
		c    ticket.Cycle
		now  string
		cal  string
		want string // "" for none
	}{
		{name: "running: at risk with 1h (25% of 4h) left", c: running, now: "2026-11-03 12:00", want: "2026-11-03 13:00"},
		{name: "at risk: breached at the breach instant", c: running, now: "2026-11-03 13:05", want: "2026-11-03 14:00"},
		{name: "breached: stays breached", c: running, now: "2026-11-03 14:00"},
		{name: "the source said breached", c: with(running, func(c *ticket.Cycle) { c.Breached = true }), now: "2026-11-03 12:00"},
		{name: "paused: nothing changes until the source reads it again", c: with(running, func(c *ticket.Cycle) { c.Paused, c.BreachAt = true, time.Time{} }), now: "2026-11-03 12:00"},
		{name: "completed", c: with(running, func(c *ticket.Cycle) { c.Stop = at("2026-11-03 12:00") }), now: "2026-11-03 12:30"},
		{name: "running without an instant", c: ticket.Cycle{Goal: 4 * time.Hour, Elapsed: time.Hour}, now: "2026-11-03 12:00"},
		{name: "business hours: Friday 17:00, 3h left, at risk at 2h left on Friday 18:00", c: business, now: "2026-11-06 17:00", cal: "vil", want: "2026-11-06 18:00"},
		{name: "business hours: Saturday, at risk, breached Monday 11:00", c: business, now: "2026-11-07 12:00", cal: "vil", want: "2026-11-09 11:00"},
		{name: "business hours from ObservedAt: Friday 17:30", c: businessNoBreach, now: "2026-11-06 17:30", cal: "vil", want: "2026-11-06 18:00"},
		{name: "business hours from ObservedAt: at risk, breached Monday 11:00", c: businessNoBreach, now: "2026-11-09 09:30", cal: "vil", want: "2026-11-09 11:00"},
		{name: "the same clock in wall time: at risk 2h before the breach", c: business, now: "2026-11-07 12:00", want: "2026-11-09 09:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cal *Calendar
			if tc.cal != "" {
				cal = calendar(t, tc.cal)
			}
			var want time.Time
			if tc.want != "" {
				want = at(tc.want)
			}
			if got := NextChange(tc.c, at(tc.now), pct25, cal); !got.Equal(want) {
				t.Errorf("NextChange(%s) = %s, want %s", tc.now, got, want)
			}
		})
	}
}

// TestPropertyNextChange: StatusAt says the same state from now up to NextChange (checked at
// random instants and the last nanosecond before it) and another state at it; without a next
// change, the same state at any later instant.
func TestPropertyNextChange(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	thresholds := []config.Threshold{{Fraction: 0.25}, {Fraction: 0}, {Fraction: 1}, {Duration: 30 * time.Minute}, {Duration: 1000 * time.Hour}}
	for _, name := range append(propertyCalendars(), "") {
		var cal *Calendar
		if name != "" {
			cal = calendar(t, name)
		}
		for range 3000 {
			c := randomCycle(r, cal)
			now := c.Start.Add(time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
			thr := thresholds[r.IntN(len(thresholds))]
			was := StatusAt(c, now, thr, cal).State
			next := NextChange(c, now, thr, cal)
			if next.IsZero() {
				for range 5 {
					later := now.Add(time.Duration(r.Int64N(int64(400 * 24 * time.Hour))))
					if s := StatusAt(c, later, thr, cal).State; s != was {
						t.Fatalf("%s: %+v at %s is %s, no next change, but %s at %s", name, c, now, was, s, later)
					}
				}
				continue
			}
			if !next.After(now) {
				t.Fatalf("%s: %+v at %s: next change %s is not after now", name, c, now, next)
			}
			checks := []time.Time{next.Add(-time.Nanosecond)}
			for range 5 {
				checks = append(checks, now.Add(time.Duration(r.Int64N(int64(next.Sub(now))))))
			}
			for _, in := range checks {
				if s := StatusAt(c, in, thr, cal).State; s != was {
					t.Fatalf("%s: %+v with %+v is %s at %s and %s at %s, before its next change %s", name, c, thr, was, now, s, in, next)
				}
			}
			if s := StatusAt(c, next, thr, cal).State; s == was {
				t.Fatalf("%s: %+v with %+v is still %s at its next change %s (from %s)", name, c, thr, s, next, now)
			}
		}
	}
}

// randomCycle returns a running or completed cycle as a source reads it: with or without a
// breach instant, paused or not, sometimes already breached.
func randomCycle(r *rand.Rand, cal *Calendar) ticket.Cycle {
	start := randomInstant(r)
	goal := time.Duration(1+r.IntN(3*24*60)) * time.Minute
	observed := start.Add(time.Duration(r.Int64N(int64(5 * 24 * time.Hour))))
	elapsed := workBetween(cal, start, observed)
	c := ticket.Cycle{Start: start, Goal: goal, Elapsed: elapsed, ObservedAt: observed}
	if left := goal - elapsed; left > 0 && r.IntN(2) == 0 {
		c.BreachAt = addWork(cal, observed, left)
	}
	switch r.IntN(8) {
	case 0:
		c.Paused, c.BreachAt = true, time.Time{}
	case 1:
		c.Stop = observed
	case 2:
		c.ObservedAt = time.Time{}
	}
	c.Breached = c.Elapsed >= c.Goal
	return c
}
