package snapshot

import (
	"time"

	"github.com/custops/custops/collector/ticket"
)

// windows are the trailing windows of one snapshot: window i holds the instants in
// (now - Windows[i].Duration, now]. The old edge is excluded, so a ticket created exactly 24h ago
// is not in 1d, and the new edge is included.
type windows struct {
	now    time.Time
	starts []time.Time // Windows order
}

func newWindows(now time.Time) windows {
	w := windows{now: now, starts: make([]time.Time, len(Windows))}
	for i, win := range Windows {
		w.starts[i] = now.Add(-win.Duration)
	}
	return w
}

// in reports whether t falls in window i. A zero t never does.
func (w windows) in(i int, t time.Time) bool {
	return t.After(w.starts[i]) && !t.After(w.now)
}

// windowIndex is the index in Windows of the window named name, or -1.
func windowIndex(name string) int {
	for i, w := range Windows {
		if w.Name == name {
			return i
		}
	}
	return -1
}

// The channels by index, in ticket.Channels order.
const numChannels = 7

// channelIndex is the index of c in ticket.Channels. A channel the model does not know counts as
// other, as sources map an unknown one.
func channelIndex(c ticket.Channel) int {
	switch c {
	case ticket.ChannelPortal:
		return 0
	case ticket.ChannelEmail:
		return 1
	case ticket.ChannelAPI:
		return 2
	case ticket.ChannelChat:
		return 3
	case ticket.ChannelPhone:
		return 4
	case ticket.ChannelAgent:
		return 5
	}
	return 6
}

// trendAcc is one window's counts while tickets stream by; channels are counted in an array and
// become a map only once per customer.
type trendAcc struct {
	created, resolved, reopened float64
	official                    float64 // created through an official channel
	good, bad                   float64
	channels                    [numChannels]float64
}

// addTrends counts t's flow events per window. Each event counts once, by its own instant: a
// reopened ticket is created once (Created), resolved by its latest Resolved and reopened by
// ReopenedAt, whatever its state now.
func (b *builder) addTrends(a *customerAcc, t *ticket.Ticket) {
	ch := channelIndex(t.Channel)
	for i := range a.trends {
		tr := &a.trends[i]
		if b.win.in(i, t.Created) {
			tr.created++
			tr.channels[ch]++
			if b.official[ch] {
				tr.official++
			}
		}
		if b.win.in(i, t.Resolved) {
			tr.resolved++
		}
		if b.win.in(i, t.ReopenedAt) {
			tr.reopened++
		}
		if b.win.in(i, t.CSATAt) {
			switch t.CSAT {
			case ticket.CSATGood:
				tr.good++
			case ticket.CSATBad:
				tr.bad++
			}
		}
	}
}

// trendsOut renders the accumulated windows as Trends, every channel present.
func (a *customerAcc) trendsOut() []Trend {
	out := make([]Trend, len(a.trends))
	for i, tr := range a.trends {
		byChannel := make(map[ticket.Channel]float64, numChannels)
		for ci, ch := range ticket.Channels {
			byChannel[ch] = tr.channels[ci]
		}
		out[i] = Trend{
			Window:    Windows[i].Name,
			Created:   tr.created,
			Resolved:  tr.resolved,
			Reopened:  tr.reopened,
			ByChannel: byChannel,
			CSATGood:  tr.good,
			CSATBad:   tr.bad,
		}
		if tr.created > 0 {
			out[i].OfficialRatio = tr.official / tr.created
		}
	}
	return out
}

// summaryWindow is the trailing window of the response and resolution time summaries.
const summaryWindow = 30 * 24 * time.Hour

// addDurations records t's first-response and resolution times for customer ci when the reply
// or the resolution happened in the last 30 days. Negative spans (clock skew between systems)
// count as zero.
func (b *builder) addDurations(ci int, t *ticket.Ticket) {
	start := b.now.Add(-summaryWindow)
	if t.FirstReply.After(start) && !t.FirstReply.After(b.now) {
		b.response.add(ci, max(t.FirstReply.Sub(t.Created), 0).Seconds())
	}
	if t.Resolved.After(start) && !t.Resolved.After(b.now) {
		b.resolution.add(ci, max(t.Resolved.Sub(t.Created), 0).Seconds())
	}
}
