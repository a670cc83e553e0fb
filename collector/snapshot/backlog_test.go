package snapshot

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

func TestBacklog(t *testing.T) {
	s := compute(
		tk(prio(ticket.P1), state(ticket.StateNew), created(ago(24*hour-time.Second)), incident()),  // lt_1d
		tk(prio(ticket.P1), state(ticket.StateNew), created(ago(24*hour)), incident(), escalated()), // exactly 1d: 1d_3d
		tk(prio(ticket.P1), state(ticket.StateWaitingCustomer), created(ago(3*day))),                // 3d_7d
		tk(prio(ticket.P2), state(ticket.StateWaitingPartner), created(ago(7*day)), escalated()),    // 7d_30d
		tk(prio(ticket.P4), state("on_hold_somewhere"), created(ago(40*day))),                       // unknown open state: in_progress; gt_30d
		tk(prio(ticket.P4), created(now.Add(time.Minute))),                                          // created in the future: age 0
		tk(prio(ticket.P1), resolved(ago(hour)), incident(), escalated(), created(ago(90*day))),     // resolved: not backlog
		tk(prio(ticket.P1), state(ticket.StateClosed), incident(), created(ago(90*day))),            // closed: not backlog
	)
	c := customer(t, s, "alpha")

	cases := []struct {
		name      string
		got, want any
	}{
		{"open by priority and state", c.Open, [4][4]float64{
			{2, 0, 1, 0}, // p1: new, new, waiting_customer
			{0, 0, 0, 1}, // p2: waiting_partner
			{},
			{0, 2, 0, 0}, // p4: unknown state and the default in_progress
		}},
		{"age buckets", c.Age, [4][5]float64{
			{1, 1, 1, 0, 0},
			{0, 0, 0, 1, 0},
			{},
			{1, 0, 0, 0, 1},
		}},
		{"oldest created", c.OldestCreated, [4]time.Time{ago(3 * day), ago(7 * day), {}, ago(40 * day)}},
		{"escalated", c.Escalated, PerPriority{1, 1, 0, 0}},
		{"incidents", c.Incidents, PerPriority{2, 0, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	if other := customer(t, s, "beta"); other.Open != ([4][4]float64{}) {
		t.Errorf("beta open = %v, want nothing", other.Open)
	}
}

func TestAgeBucket(t *testing.T) {
	cases := []struct {
		age  time.Duration
		want string
	}{
		{0, "lt_1d"},
		{day - 1, "lt_1d"},
		{day, "1d_3d"},
		{3*day - 1, "1d_3d"},
		{3 * day, "3d_7d"},
		{7 * day, "7d_30d"},
		{30*day - 1, "7d_30d"},
		{30 * day, "gt_30d"},
		{400 * day, "gt_30d"},
	}
	for _, tc := range cases {
		t.Run(tc.age.String(), func(t *testing.T) {
			if got := catalog.AgeBuckets[ageBucket(tc.age)].Name; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
