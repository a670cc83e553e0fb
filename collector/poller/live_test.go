package poller

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// liveConfig has a source per SLA mode and two customers on office hours and round the clock, so
// the engine computes contract clocks that pause, count across nights and breach.
const liveConfig = `
sources:
  - {name: jsm, type: jira, url: https://a.example.atlassian.net, auth: {email: x@example.com, token_env: UNUSED}, sla: both, customer_from: [project]}
  - {name: zd, type: zendesk, url: https://a.zendesk.com, auth: {email: x@example.com, token_env: UNUSED}, sla: computed, customer_from: [{label_prefix: "customer-"}]}
  - {name: sim, type: jira, url: https://b.example.atlassian.net, auth: {email: x@example.com, token_env: UNUSED}, customer_from: [project]}
customers:
  - {id: acme, tier: gold, match: {project: [ACME]}}
  - {id: nyco, tier: silver, match: {project: [NYCO]}}
calendars:
  office: {timezone: Europe/Vilnius, hours: {mon-fri: "09:00-18:00"}}
tiers:
  gold:
    at_risk: 25%
    sla: {calendar: office, pause_states: [waiting_customer], goals: {p1: {first_response: 1h, resolution: 8h}, p2: {first_response: 4h, resolution: 2d}, p3: {resolution: 5d}}}
  silver:
    at_risk: 30m
    sla: {goals: {p1: {first_response: 2h, resolution: 1d}, p3: {first_response: 8h}}}
`

// TestPropertyLiveEqualsFullRecompute: the poller's live state, fed the store's changes as the
// journal records them and brought to random later instants, shows what the full recompute of
// before shows (the SLA engine over every stored ticket, then snapshot.Compute) at the same
// instant: computed clocks included, which it computes once per changed ticket.
func TestPropertyLiveEqualsFullRecompute(t *testing.T) {
	cfg, err := config.Parse([]byte(liveConfig), "live.yml")
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 5))
			now := t0
			stored := map[string]*ticket.Ticket{}
			n := 0
			newTicket := func() *ticket.Ticket {
				n++
				return randomTicket(r, strconv.Itoa(n), now)
			}
			for range 150 {
				tk := newTicket()
				stored[tk.ID()] = tk
			}
			rules, err := newRules(cfg)
			if err != nil {
				t.Fatal(err)
			}
			l := newLive(rules, slices.Collect(maps.Values(stored)), now)
			for step := range 150 {
				var changes []snapshot.Change
				for range r.IntN(5) {
					ids := slices.Sorted(maps.Keys(stored))
					old := stored[ids[r.IntN(len(ids))]]
					switch r.IntN(4) {
					case 0:
						tk := newTicket()
						stored[tk.ID()] = tk
						changes = append(changes, snapshot.Change{New: tk})
					case 1:
						delete(stored, old.ID())
						changes = append(changes, snapshot.Change{Old: old})
					default:
						tk := randomTicket(r, old.Key, now)
						tk.Source = old.Source
						stored[tk.ID()] = tk
						changes = append(changes, snapshot.Change{Old: old, New: tk})
					}
				}
				if next := l.next(); r.IntN(4) == 0 && next.After(now) {
					now = next
				} else {
					now = now.Add(time.Duration(r.Int64N(int64(6 * time.Hour))))
				}
				got := l.update(changes, now)
				want := fullRecompute(t, cfg, slices.Collect(maps.Values(stored)), now)
				if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
					t.Fatalf("step %d at %s:\n got %.2000s\nwant %.2000s", step, now, g, w)
				}
			}
		})
	}
}

// fullRecompute is what the poller computed for every view before it kept a live state.
func fullRecompute(t *testing.T, cfg *config.Config, stored []*ticket.Ticket, now time.Time) *snapshot.Snapshot {
	t.Helper()
	r, err := newRules(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot.Compute(snapshot.Input{
		Tickets:    r.engine.Apply(stored, r.matcher.Customer, now),
		Now:        now,
		Config:     cfg,
		CustomerOf: r.matcher.Customer,
		Calendars:  r.calendars,
	})
}

// randomTicket returns a ticket created in the 20 days before now with a random state history,
// for one of liveConfig's sources and customers (or none).
func randomTicket(r *rand.Rand, key string, now time.Time) *ticket.Ticket {
	sources := []string{"jsm", "zd", "sim"}
	created := now.Add(-time.Duration(r.Int64N(int64(20 * 24 * time.Hour)))).Truncate(time.Second)
	t := &ticket.Ticket{
		Source:   sources[r.IntN(len(sources))],
		Key:      key,
		Priority: ticket.Priorities[r.IntN(len(ticket.Priorities))],
		Created:  created,
		Updated:  created,
		State:    ticket.StateNew,
		Channel:  ticket.ChannelPortal,
	}
	switch r.IntN(3) {
	case 0:
		t.Attributes.Project = "ACME"
	case 1:
		t.Attributes.Project = "NYCO"
	}
	t.Attributes.Labels = []string{"customer-" + []string{"acme", "nyco", "ghost"}[r.IntN(3)]}
	at := created
	for range r.IntN(6) {
		at = at.Add(time.Duration(1 + r.Int64N(int64(30*time.Hour))))
		if at.After(now) {
			break
		}
		switch {
		case t.State == ticket.StateNew:
			t.FirstReply, t.State = at, ticket.StateInProgress
		case t.State == ticket.StateResolved:
			t.Reopened++
			t.ReopenedAt, t.Resolved, t.State = at, time.Time{}, ticket.StateInProgress
		case r.IntN(3) == 0:
			t.State = ticket.StateWaitingCustomer
		case r.IntN(2) == 0:
			t.State = ticket.StateInProgress
		default:
			t.Resolved, t.State = at, ticket.StateResolved
		}
		t.Updated = at
		t.Transitions = append(t.Transitions, ticket.Transition{At: at, State: t.State})
	}
	if r.IntN(2) == 0 {
		goal := time.Duration(1+r.IntN(48)) * time.Hour
		t.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{{
			Start: created, Goal: goal, Elapsed: goal / 2, ObservedAt: created.Add(goal / 2), BreachAt: created.Add(goal),
		}}}}
	}
	return t
}
