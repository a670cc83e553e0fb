package sim

import (
	"math/rand/v2"
	"time"
)

// epoch anchors hour numbering. Ticket numbers derive from the hour of arrival, so a world
// restarted later (with the same seed) gives the tickets it shares with the first one the same
// keys, and a persistent store does not collect duplicates.
var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// slotsPerHour bounds the tickets one desk numbers per hour: a ticket's number is
// hour*slotsPerHour + slot + 1. The last slot is kept for scripted scenario tickets; natural
// arrivals beyond the others are dropped (a desk of four customers peaks near 6 an hour).
const slotsPerHour = 24

// scriptedSlot is the slot of a scenario's scripted ticket.
const scriptedSlot = slotsPerHour - 1

// weekdayWeight is the sum of hourWeight over a weekday, to turn a daily volume into hourly rates.
const weekdayWeight = 9*1.0 + 5*0.4 + 10*0.08

// hourWeight is the relative arrival rate in the hour starting at t (UTC): busy in office hours,
// a shoulder before and after, a trickle at night, and a third of it at weekends.
func hourWeight(t time.Time) float64 {
	w := 0.08
	switch h := t.Hour(); {
	case h >= 9 && h < 18:
		w = 1
	case h >= 7 && h < 9, h >= 18 && h < 21:
		w = 0.4
	}
	if d := t.Weekday(); d == time.Saturday || d == time.Sunday {
		w *= 0.3
	}
	return w
}

// hourIndex is the number of whole hours from epoch to t.
func hourIndex(t time.Time) int64 { return int64(t.Sub(epoch) / time.Hour) }

// hourStart is the instant hour h begins.
func hourStart(h int64) time.Time { return epoch.Add(time.Duration(h) * time.Hour) }

// arrivalTimes draws the instants a customer raises tickets in hour h: a non-homogeneous Poisson
// process, piecewise constant per hour.
func arrivalTimes(r *rand.Rand, p *profile, h int64) []time.Time {
	start := hourStart(h)
	n := poisson(r, p.perDay*hourWeight(start)/weekdayWeight)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = start.Add(time.Duration(r.Int64N(int64(time.Hour))))
	}
	return out
}

// dayFactor is how slow a customer's agents are on a given day: some weeks are worse than
// others, which gives the trend panels something to show.
func dayFactor(seed int64, p *profile, day int64) float64 {
	return uniform(stream(uint64(seed), nameKey(p.Desk+"/"+p.Name), uint64(day), 7), 0.75, 1.35)
}
