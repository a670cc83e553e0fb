package sla

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// TestStatusAt is the table of what a clock is at an instant. Wall times are Vilnius local;
// 2026-11-06 is a Friday, 2026-12-24 and 2026-12-25 (Thursday, Friday) are holidays on "vil"
// (mon-fri 09:00-18:00).
func TestStatusAt(t *testing.T) {
	vil := zone(t, "Europe/Vilnius")
	at := func(s string) time.Time { return wallIn(t, vil, s) }
	pct25 := config.Threshold{Fraction: 0.25}
	min30 := config.Threshold{Duration: 30 * time.Minute}

	// A 4h goal read at 11:00 with 1h elapsed: breach at 14:00 in wall time.
	running := ticket.Cycle{Start: at("2026-11-03 10:00"), Goal: 4 * time.Hour, Elapsed: time.Hour,
		BreachAt: at("2026-11-03 14:00"), ObservedAt: at("2026-11-03 11:00")}
	paused := ticket.Cycle{Start: at("2026-11-03 10:00"), Goal: 4 * time.Hour, Elapsed: 210 * time.Minute,
		Paused: true, ObservedAt: at("2026-11-03 13:30")}
	// An 8h business-hours goal read on Friday 17:00 with 3h left: 1h on Friday, 2h on Monday.
	business := ticket.Cycle{Start: at("2026-11-05 10:00"), Goal: 8 * time.Hour, Elapsed: 5 * time.Hour,
		BreachAt: at("2026-11-09 11:00"), ObservedAt: at("2026-11-06 17:00")}
	// The same reading without JSM's breach instant: the breach is derived on the calendar.
	businessNoBreach := business
	businessNoBreach.BreachAt = time.Time{}
	// Read on the day before Christmas Eve with 2h left: the holidays and the weekend do not count.
	holidays := ticket.Cycle{Start: at("2026-12-22 10:00"), Goal: 8 * time.Hour, Elapsed: 6 * time.Hour,
		BreachAt: at("2026-12-28 10:00"), ObservedAt: at("2026-12-23 17:00")}

	with := func(c ticket.Cycle, f func(*ticket.Cycle)) ticket.Cycle { f(&c); return c }

	tests := []struct {
		name   string
		c      ticket.Cycle
		now    string
		atRisk config.Threshold
		cal    string // "" counts wall-clock time
		want   Status
	}{
		{name: "running", c: running, now: "2026-11-03 12:00", atRisk: pct25,
			want: Status{State: StateRunning, Remaining: 2 * time.Hour, BreachAt: at("2026-11-03 14:00")}},
		{name: "paused: counts nothing, however long, and is never at risk", c: paused, now: "2026-11-05 12:00", atRisk: pct25,
			want: Status{State: StatePaused, Remaining: 30 * time.Minute}},
		{name: "paused past its goal when read: breached", c: with(paused, func(c *ticket.Cycle) { c.Elapsed = 5 * time.Hour; c.Breached = true }),
			now: "2026-11-03 14:00", atRisk: pct25, want: Status{State: StateBreached, Remaining: -time.Hour}},
		{name: "at risk by percent: 55m left of 4h, threshold 1h", c: running, now: "2026-11-03 13:05", atRisk: pct25,
			want: Status{State: StateAtRisk, Remaining: 55 * time.Minute, BreachAt: at("2026-11-03 14:00")}},
		{name: "not at risk by percent: 61m left", c: running, now: "2026-11-03 12:59", atRisk: pct25,
			want: Status{State: StateRunning, Remaining: 61 * time.Minute, BreachAt: at("2026-11-03 14:00")}},
		{name: "at risk by duration: 30m left, threshold 30m", c: running, now: "2026-11-03 13:30", atRisk: min30,
			want: Status{State: StateAtRisk, Remaining: 30 * time.Minute, BreachAt: at("2026-11-03 14:00")}},
		{name: "not at risk by duration: 31m left, threshold 30m (25% would say at risk)", c: running, now: "2026-11-03 13:29", atRisk: min30,
			want: Status{State: StateRunning, Remaining: 31 * time.Minute, BreachAt: at("2026-11-03 14:00")}},
		{name: "breached: the breach instant passed since the last poll", c: running, now: "2026-11-03 14:20", atRisk: pct25,
			want: Status{State: StateBreached, Remaining: -20 * time.Minute, BreachAt: at("2026-11-03 14:00")}},
		{name: "breached at the breach instant itself", c: running, now: "2026-11-03 14:00", atRisk: pct25,
			want: Status{State: StateBreached, BreachAt: at("2026-11-03 14:00")}},
		{name: "breached: the source said so", c: with(running, func(c *ticket.Cycle) { c.Breached = true }), now: "2026-11-03 12:00", atRisk: pct25,
			want: Status{State: StateBreached, Remaining: 2 * time.Hour, BreachAt: at("2026-11-03 14:00")}},
		{name: "completed met", c: with(running, func(c *ticket.Cycle) {
			c.Stop, c.Elapsed, c.ObservedAt = at("2026-11-03 12:00"), 2*time.Hour, at("2026-11-03 12:00")
		}),
			now: "2026-11-10 12:00", atRisk: pct25,
			want: Status{State: StateMet, Completed: true, Remaining: 2 * time.Hour, BreachAt: at("2026-11-03 14:00")}},
		{name: "completed breached", c: with(running, func(c *ticket.Cycle) {
			c.Stop, c.Elapsed, c.ObservedAt, c.Breached = at("2026-11-03 15:00"), 5*time.Hour, at("2026-11-03 15:00"), true
		}),
			now: "2026-11-10 12:00", atRisk: pct25,
			want: Status{State: StateBreached, Completed: true, Remaining: -time.Hour, BreachAt: at("2026-11-03 14:00")}},
		{name: "running without an instant: as read", c: ticket.Cycle{Start: at("2026-11-03 10:00"), Goal: 4 * time.Hour, Elapsed: time.Hour},
			now: "2026-11-03 20:00", atRisk: pct25, want: Status{State: StateRunning, Remaining: 3 * time.Hour}},

		// Business hours: working time left, so at risk when the vendor shows it, not hours early or late.
		{name: "business hours: Friday 17:59, 2h01m left", c: business, now: "2026-11-06 17:59", atRisk: pct25, cal: "vil",
			want: Status{State: StateRunning, Remaining: 2*time.Hour + time.Minute, BreachAt: at("2026-11-09 11:00")}},
		{name: "business hours: Saturday noon, 2h left (the weekend counts nothing)", c: business, now: "2026-11-07 12:00", atRisk: pct25, cal: "vil",
			want: Status{State: StateAtRisk, Remaining: 2 * time.Hour, BreachAt: at("2026-11-09 11:00")}},
		{name: "business hours: Monday 10:15, 45m left", c: business, now: "2026-11-09 10:15", atRisk: pct25, cal: "vil",
			want: Status{State: StateAtRisk, Remaining: 45 * time.Minute, BreachAt: at("2026-11-09 11:00")}},
		{name: "business hours: Monday 11:00, breached", c: business, now: "2026-11-09 11:00", atRisk: pct25, cal: "vil",
			want: Status{State: StateBreached, BreachAt: at("2026-11-09 11:00")}},
		{name: "business hours: Monday 19:00, over by the working time since", c: business, now: "2026-11-09 19:00", atRisk: pct25, cal: "vil",
			want: Status{State: StateBreached, Remaining: -7 * time.Hour, BreachAt: at("2026-11-09 11:00")}},
		{name: "the same clock counted in wall time: 47h left on Saturday, not at risk", c: business, now: "2026-11-07 12:00", atRisk: pct25,
			want: Status{State: StateRunning, Remaining: 47 * time.Hour, BreachAt: at("2026-11-09 11:00")}},
		{name: "business hours without a breach instant: derived from ObservedAt", c: businessNoBreach, now: "2026-11-07 12:00", atRisk: pct25, cal: "vil",
			want: Status{State: StateAtRisk, Remaining: 2 * time.Hour, BreachAt: at("2026-11-09 11:00")}},
		{name: "business hours without a breach instant: breached Monday 11:30", c: businessNoBreach, now: "2026-11-09 11:30", atRisk: pct25, cal: "vil",
			want: Status{State: StateBreached, Remaining: -30 * time.Minute, BreachAt: at("2026-11-09 11:00")}},
		{name: "business hours over holidays: Christmas Day, 1h left", c: holidays, now: "2026-12-25 12:00", atRisk: min30, cal: "vil",
			want: Status{State: StateRunning, Remaining: time.Hour, BreachAt: at("2026-12-28 10:00")}},
		{name: "business hours, paused: counts nothing", c: with(business, func(c *ticket.Cycle) { c.Paused, c.BreachAt = true, time.Time{} }),
			now: "2026-11-10 12:00", atRisk: pct25, cal: "vil", want: Status{State: StatePaused, Remaining: 3 * time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cal *Calendar
			if tc.cal != "" {
				cal = calendar(t, tc.cal)
			}
			got := StatusAt(tc.c, at(tc.now), tc.atRisk, cal)
			if got.State != tc.want.State || got.Completed != tc.want.Completed || got.Remaining != tc.want.Remaining || !got.BreachAt.Equal(tc.want.BreachAt) {
				t.Errorf("StatusAt(%s):\n got %+v\nwant %+v", tc.now, got, tc.want)
			}
			if got.Counting() != (tc.want.State == StateRunning || tc.want.State == StateAtRisk) {
				t.Errorf("Counting() = %v for %s", got.Counting(), got.State)
			}
		})
	}
}
