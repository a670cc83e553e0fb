package snapshot

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// channels returns a ByChannel map with every channel, set from pairs.
func channels(pairs map[ticket.Channel]float64) map[ticket.Channel]float64 {
	m := make(map[ticket.Channel]float64, len(ticket.Channels))
	for _, c := range ticket.Channels {
		m[c] = pairs[c]
	}
	return m
}

func TestTrends(t *testing.T) {
	s := compute(
		tk(channel(ticket.ChannelEmail), created(ago(24*hour))),         // old edge: not in 1d
		tk(channel(ticket.ChannelAgent), created(ago(24*hour-1))),       // just inside 1d
		tk(channel(ticket.ChannelChat), created(now)),                   // new edge: inside
		tk(channel(ticket.ChannelPhone), created(now.Add(time.Second))), // future: nowhere
		// Reopened and resolved again: created once (10d ago), resolved by its latest resolution,
		// reopened by its last reopen.
		tk(created(ago(10*day)), reopenedAt(ago(5*hour)), resolved(ago(2*hour))),
		tk(created(ago(40*day)), resolved(ago(6*day)), csat(ticket.CSATGood, ago(2*day))),
		tk(created(ago(40*day)), resolved(ago(40*day)), csat(ticket.CSATBad, ago(hour))),
		tk(channel(ticket.ChannelAPI), created(ago(29*day)), csat(ticket.CSATGood, ago(31*day))), // rated too long ago
	)
	want := []Trend{
		{Window: "1d", Created: 2, Resolved: 1, Reopened: 1, CSATGood: 0, CSATBad: 1, OfficialRatio: 0,
			ByChannel: channels(map[ticket.Channel]float64{ticket.ChannelAgent: 1, ticket.ChannelChat: 1})},
		{Window: "7d", Created: 3, Resolved: 2, Reopened: 1, CSATGood: 1, CSATBad: 1, OfficialRatio: 1.0 / 3,
			ByChannel: channels(map[ticket.Channel]float64{ticket.ChannelEmail: 1, ticket.ChannelAgent: 1, ticket.ChannelChat: 1})},
		{Window: "30d", Created: 5, Resolved: 2, Reopened: 1, CSATGood: 1, CSATBad: 1, OfficialRatio: 0.6,
			ByChannel: channels(map[ticket.Channel]float64{ticket.ChannelEmail: 1, ticket.ChannelAgent: 1,
				ticket.ChannelChat: 1, ticket.ChannelPortal: 1, ticket.ChannelAPI: 1})},
	}
	got := customer(t, s, "alpha").Trends
	for i := range want {
		t.Run(want[i].Window, func(t *testing.T) {
			g, w := got[i], want[i]
			if !near(g.OfficialRatio, w.OfficialRatio) {
				t.Errorf("official ratio: got %v, want %v", g.OfficialRatio, w.OfficialRatio)
			}
			g.OfficialRatio, w.OfficialRatio = 0, 0
			if !reflect.DeepEqual(g, w) {
				t.Errorf("\n got %+v\nwant %+v", g, w)
			}
		})
	}

	t.Run("no tickets", func(t *testing.T) {
		for i, tr := range customer(t, s, "beta").Trends {
			w := Trend{Window: catalog.Windows[i].Name, ByChannel: channels(nil)}
			if !reflect.DeepEqual(tr, w) {
				t.Errorf("got %+v, want %+v", tr, w)
			}
		}
	})
}

func TestUnknownChannelCountsAsOther(t *testing.T) {
	s := compute(tk(channel("carrier_pigeon")), tk(channel(ticket.ChannelOther)))
	tr := customer(t, s, "alpha").Trends[0]
	if got := tr.ByChannel[ticket.ChannelOther]; got != 2 {
		t.Errorf("other = %v, want 2", got)
	}
	if len(tr.ByChannel) != len(ticket.Channels) {
		t.Errorf("channels = %v, want exactly %v", tr.ByChannel, ticket.Channels)
	}
}

func TestNanosKeepsOrderAndSaturates(t *testing.T) {
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	ancient := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	w := newWindows(now)
	cases := []struct {
		name string
		at   time.Time
		in   []bool // per window
	}{
		{"zero time", time.Time{}, []bool{false, false, false}},
		{"year 3000 does not wrap into a window", far, []bool{false, false, false}},
		{"year 1000 does not wrap into a window", ancient, []bool{false, false, false}},
		{"one nanosecond inside 1d", ago(day - 1), []bool{true, true, true}},
		{"exactly 1d old", ago(day), []bool{false, true, true}},
		{"now", now, []bool{true, true, true}},
		{"one nanosecond after now", now.Add(1), []bool{false, false, false}},
		{"now in another zone", now.In(time.FixedZone("x", 3*3600)), []bool{true, true, true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []bool
			for i := range catalog.Windows {
				got = append(got, w.in(i, nanos(tc.at)))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.in) {
				t.Errorf("got %v, want %v", got, tc.in)
			}
		})
	}
	if !(nanos(ancient) < nanos(ago(100*365*day)) && nanos(far) > nanos(now.Add(100*365*day))) {
		t.Errorf("saturated instants out of order: %d %d", nanos(ancient), nanos(far))
	}
}
