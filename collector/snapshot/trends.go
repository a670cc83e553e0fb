package snapshot

import (
	"math"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// windows are the trailing windows of one snapshot: window i holds the instants in
// (now - catalog.Windows[i].Duration, now]. The old edge is excluded, so a ticket created exactly 24h ago
// is not in 1d, and the new edge is included. Instants are compared as Unix nanoseconds (see
// nanos): two integer comparisons per window instead of time.Time's, on the hot path.
type windows struct {
	now    int64
	starts []int64 // catalog.Windows order
}

func newWindows(now time.Time) windows {
	w := windows{now: nanos(now), starts: make([]int64, len(catalog.Windows))}
	for i, win := range catalog.Windows {
		w.starts[i] = nanos(now.Add(-win.Duration))
	}
	return w
}

// in reports whether the instant x (from nanos) falls in window i.
func (w windows) in(i int, x int64) bool { return x > w.starts[i] && x <= w.now }

// edge returns the earliest instant after now (nanos) at which the windows x falls in change:
// x itself for an instant after now (it enters them all then), else the end of the shortest
// window that holds it (x leaves window i when now reaches x plus its duration); noChange when
// none will.
func (w windows) edge(x int64) int64 {
	if x > w.now {
		return x
	}
	next := int64(noChange)
	for _, start := range w.starts {
		if x > start {
			next = min(next, x+(w.now-start))
		}
	}
	return next
}

// nanos returns t in Unix nanoseconds, for cheap comparisons. The zero time maps to the smallest
// value, in no window. Instants beyond the int64 range (before 1678, after 2262: corrupt data)
// saturate instead of wrapping around into a window.
func nanos(t time.Time) int64 {
	const maxSec = math.MaxInt64/1_000_000_000 - 1
	if t.IsZero() {
		return math.MinInt64
	}
	switch s := t.Unix(); {
	case s < -maxSec:
		return math.MinInt64 + 1
	case s > maxSec:
		return math.MaxInt64
	default:
		return s*1_000_000_000 + int64(t.Nanosecond())
	}
}

// windowIndex is the index in catalog.Windows of the window named name, or -1.
func windowIndex(name string) int {
	for i, w := range catalog.Windows {
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
	created, resolved, reopened, rated := nanos(t.Created), nanos(t.Resolved), nanos(t.ReopenedAt), nanos(t.CSATAt)
	a.soon(min(b.win.edge(created), b.win.edge(resolved), b.win.edge(reopened)))
	if t.CSAT == ticket.CSATGood || t.CSAT == ticket.CSATBad {
		a.soon(b.win.edge(rated))
	}
	for i := range a.trends {
		tr := &a.trends[i]
		if b.win.in(i, created) {
			tr.created++
			tr.channels[ch]++
			if b.official[ch] {
				tr.official++
			}
		}
		if b.win.in(i, resolved) {
			tr.resolved++
		}
		if b.win.in(i, reopened) {
			tr.reopened++
		}
		if b.win.in(i, rated) {
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
			Window:    catalog.Windows[i].Name,
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

// summaryEdge is windows.edge for the summaries' window.
func (b *builder) summaryEdge(x int64) int64 {
	switch {
	case x > b.win.now:
		return x
	case x > b.summaryStart:
		return x + (b.win.now - b.summaryStart)
	}
	return noChange
}

// addDurations records t's first-response and resolution times for customer ci when the reply
// or the resolution happened in the last 30 days. Negative spans (clock skew between systems)
// count as zero.
func (b *builder) addDurations(ci int, t *ticket.Ticket) {
	b.accs[ci].soon(min(b.summaryEdge(nanos(t.FirstReply)), b.summaryEdge(nanos(t.Resolved))))
	if x := nanos(t.FirstReply); x > b.summaryStart && x <= b.win.now {
		b.response.add(ci, max(t.FirstReply.Sub(t.Created), 0).Seconds())
	}
	if x := nanos(t.Resolved); x > b.summaryStart && x <= b.win.now {
		b.resolution.add(ci, max(t.Resolved.Sub(t.Created), 0).Seconds())
	}
}
