package snapshot

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// TestPropertyIncrementalEqualsCompute runs random ticket streams on random clocks: after every
// step (tickets created, changed, moved between customers, deleted; time passing by seconds to
// days, to the instant Incremental.Next names and just before it), Incremental's snapshot must
// be the one Compute returns for the same tickets at the same instant. A customer aggregated at
// an earlier instant and kept because time alone changed nothing for it is held to the same
// standard, so a next-change instant noted too late fails here. Most seeds cut customers into
// shards of a few tickets, so that a shard's partial aggregates kept while time passes, and
// their merge, are held to Compute too.
func TestPropertyIncrementalEqualsCompute(t *testing.T) {
	var seen teamsSeen
	for seed := range uint64(16) {
		shardSize := []int{defaultShardSize, 1, 3, 7}[seed%4]
		t.Run(fmt.Sprintf("seed=%d/shard=%d", seed, shardSize), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			cfg := propertyConfig()
			cals, err := sla.NewCalendars(cfg)
			if err != nil {
				t.Fatal(err)
			}
			g := &streamGen{r: r, at: now}
			live := map[string]*ticket.Ticket{} // by source/key
			for range 40 {
				tk := g.ticket()
				live[tk.ID()] = tk
			}
			input := func(at time.Time) Input {
				tickets := make([]*ticket.Ticket, 0, len(live))
				for _, tk := range live {
					tickets = append(tickets, tk)
				}
				return Input{Tickets: tickets, Now: at, Config: cfg, CustomerOf: byProject, Calendars: cals}
			}
			inc := newIncremental(input(g.at), shardSize)
			same(t, "start", inc.Snapshot(), Compute(input(g.at)))
			for step := range 300 {
				var changes []Change
				for range r.IntN(4) {
					changes = append(changes, g.change(live))
				}
				switch r.IntN(6) {
				case 0: // exactly when time alone changes something, or just before
					if next := inc.Next(); !next.IsZero() && next.After(g.at) {
						g.at = next
						if r.IntN(2) == 0 {
							g.at = next.Add(-time.Nanosecond)
						}
					}
				case 1:
					g.at = g.at.Add(time.Duration(r.Int64N(int64(3 * 24 * time.Hour))))
				default:
					g.at = g.at.Add(time.Duration(r.Int64N(int64(20 * time.Minute))))
				}
				got := inc.Update(changes, g.at)
				same(t, fmt.Sprintf("step %d at %s", step, g.at.Format(time.RFC3339Nano)), got, Compute(input(g.at)))
				seen.note(got)
			}
		})
	}
	// The streams must have reached what the teams aggregate, or the property says little.
	if seen.open == 0 || seen.waited == 0 || seen.breached == 0 || seen.atRisk == 0 || seen.next == 0 || seen.unmapped == 0 || seen.moved == 0 || seen.owner == 0 {
		t.Errorf("the streams never exercised the teams: %+v", seen)
	}
}

// teamsSeen counts the snapshots in which each team aggregate was not empty.
type teamsSeen struct{ open, waited, breached, atRisk, next, unmapped, moved, owner, oneDesk int }

func (s *teamsSeen) note(snap *Snapshot) {
	if len(snap.Records.Unmapped) > 0 {
		s.unmapped++
	}
	if snap.Records.MovedCount > 0 {
		s.moved++
	}
	if len(snap.Records.OneDesk) > 0 {
		s.oneDesk++
	}
	for _, c := range snap.Customers {
		if c.Owner != "" {
			s.owner++
		}
		for _, ts := range c.Teams {
			if ts.Open > 0 {
				s.open++
			}
			if len(ts.Waited) > 0 && ts.Waited[1].Count > 0 {
				s.waited++
			}
			if ts.OLABreached > 0 {
				s.breached++
			}
			if ts.OLAAtRisk > 0 {
				s.atRisk++
			}
			if !ts.OLANextBreach.IsZero() {
				s.next++
			}
		}
	}
}

// TestIncrementalKeepsHandedOutSnapshots: a snapshot and a ticket list once returned never change.
func TestIncrementalKeepsHandedOutSnapshots(t *testing.T) {
	a1 := tk(cust("alpha"))
	inc := NewIncremental(Input{Tickets: []*ticket.Ticket{a1}, Now: now, Config: testConfig(), CustomerOf: byProject})
	first, list := inc.Snapshot(), inc.TicketsOf("alpha")
	before := fmt.Sprintf("%+v", first.Customers)
	a2 := tk(cust("alpha"), prio(ticket.P1))
	inc.Update([]Change{{New: a2}, {Old: a1, New: tk(cust("beta"))}}, now.Add(time.Minute))
	if after := fmt.Sprintf("%+v", first.Customers); after != before {
		t.Errorf("the first snapshot changed:\n%s\n%s", before, after)
	}
	if len(list) != 1 || list[0] != a1 {
		t.Errorf("the first ticket list changed: %v", list)
	}
	if got := inc.TicketsOf("alpha"); len(got) != 1 || got[0] != a2 {
		t.Errorf("alpha now holds %v, want the p1 ticket only", got)
	}
}

// TestIncrementalOnlyTouchesChangedCustomers: a change re-aggregates the customers it touches;
// the others keep their aggregates (the same maps and slices), which is what lets the exporter
// skip them.
func TestIncrementalOnlyTouchesChangedCustomers(t *testing.T) {
	inc := NewIncremental(Input{Tickets: []*ticket.Ticket{tk(cust("alpha")), tk(cust("beta"))}, Now: now, Config: testConfig(), CustomerOf: byProject})
	before := inc.Snapshot()
	after := inc.Update([]Change{{New: tk(cust("alpha"), prio(ticket.P2))}}, now.Add(time.Second))
	b0, b1 := customer(t, before, "beta"), customer(t, after, "beta")
	if fmt.Sprintf("%p", b0.RiskFactors) != fmt.Sprintf("%p", b1.RiskFactors) {
		t.Errorf("beta was aggregated again although nothing of it changed")
	}
	if a := customer(t, after, "alpha"); a.Open[1][1] != 1 {
		t.Errorf("alpha's new p2 ticket is not counted: %v", a.Open)
	}
}

// same fails the test when two snapshots differ: printed with fmt, which sorts map keys and
// prints NaN quantiles alike (reflect.DeepEqual would call two NaNs different).
func same(t *testing.T, what string, got, want *Snapshot) {
	t.Helper()
	if !got.At.Equal(want.At) {
		t.Fatalf("%s: At %s, want %s", what, got.At, want.At)
	}
	if g, w := fmt.Sprintf("%+v", got.DataQuality), fmt.Sprintf("%+v", want.DataQuality); g != w {
		t.Fatalf("%s: data quality\n got %s\nwant %s", what, g, w)
	}
	if g, w := fmt.Sprintf("%+v", got.Records), fmt.Sprintf("%+v", want.Records); g != w {
		t.Fatalf("%s: records\n got %s\nwant %s", what, g, w)
	}
	if len(got.Customers) != len(want.Customers) {
		t.Fatalf("%s: %d customers, want %d", what, len(got.Customers), len(want.Customers))
	}
	for i := range want.Customers {
		if g, w := fmt.Sprintf("%+v", got.Customers[i]), fmt.Sprintf("%+v", want.Customers[i]); g != w {
			t.Fatalf("%s: customer %s\n got %s\nwant %s\n%s", what, want.Customers[i].ID, g, w, firstDiff(g, w))
		}
	}
}

func firstDiff(a, b string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			lo := max(0, i-60)
			return "first difference: ..." + a[lo:min(len(a), i+60)] + "\n                  ..." + b[lo:min(len(b), i+60)]
		}
	}
	return "one is a prefix of the other"
}

// propertyConfig is testConfig with a business-hours calendar on the silver tier, so computed
// clocks count working time across nights and weekends.
func propertyConfig() *config.Config {
	cfg := testConfig()
	cfg.Calendars = map[string]config.Calendar{"office": {Timezone: "Europe/Vilnius", Hours: map[string]string{"mon-fri": "09:00-18:00"}}}
	silver := cfg.Tiers["silver"]
	silver.SLA.Calendar = "office"
	cfg.Tiers["silver"] = silver
	cfg.Teams = propertyTeams()
	// Zendesk reads owners from an organization field; jsm tickets' owners are not read.
	for i := range cfg.Sources {
		if cfg.Sources[i].Name == "zendesk" {
			cfg.Sources[i].OwnerField = "owner"
		}
	}
	return cfg
}

// propertyTeams are teams matched by every kind of fact, one OLA on the business calendar
// (paused by the customer's stays) and one round the clock.
func propertyTeams() []config.Team {
	return []config.Team{
		{ID: "customer", Name: "Customer", When: config.TeamMatch{States: []ticket.State{ticket.StateWaitingCustomer}}},
		{ID: "engineering", Name: "Engineering", When: config.TeamMatch{Groups: []string{"eng"}, Components: []string{"API"}, LinkedProject: []string{"ENG"}},
			OLA: &config.OLA{Calendar: "office", AtRisk: config.Threshold{Fraction: 0.25}, PausedBy: []string{"customer"},
				Targets: map[ticket.Priority]config.Duration{ticket.P1: config.Duration(4 * time.Hour), ticket.P2: config.Duration(16 * time.Hour)}}},
		{ID: "product", Name: "Product", When: config.TeamMatch{Statuses: []string{"Waiting for Product"}, TeamField: []string{"product"}},
			OLA: &config.OLA{Calendar: config.Calendar24x7, AtRisk: config.Threshold{Duration: time.Hour},
				Targets: map[ticket.Priority]config.Duration{ticket.P3: config.Duration(48 * time.Hour)}}},
		{ID: "support", Name: "Support", When: config.TeamMatch{States: []ticket.State{ticket.StateNew, ticket.StateInProgress}}},
	}
}

// streamGen makes random tickets and changes around a moving instant.
type streamGen struct {
	r    *rand.Rand
	at   time.Time
	next int
}

// around returns an instant within span before the generator's instant, sometimes after it (clock
// skew between systems), sometimes on a window's edge to the second.
func (g *streamGen) around(span time.Duration) time.Time {
	switch g.r.IntN(10) {
	case 0:
		return g.at.Add(time.Duration(g.r.Int64N(int64(time.Hour))))
	case 1:
		edges := []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 3 * 24 * time.Hour}
		return g.at.Add(-edges[g.r.IntN(len(edges))] + time.Duration(g.r.IntN(3)-1)*time.Second)
	}
	return g.at.Add(-time.Duration(g.r.Int64N(int64(span))))
}

func (g *streamGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// ticket returns a new random ticket.
func (g *streamGen) ticket() *ticket.Ticket {
	g.next++
	t := &ticket.Ticket{
		Source:     g.pick("jsm", "jsm", "zendesk", "elsewhere"),
		Key:        fmt.Sprint("K-", g.next),
		Attributes: ticket.Attributes{Project: g.pick("alpha", "beta", "zeta", "zeta", "", "ghost")},
	}
	if g.r.IntN(2) == 0 {
		t.Attributes.Organizations = []ticket.Organization{{ID: g.pick("", "1", "2"), Name: g.pick("Acme", "Initech", "", "Alpha, Inc.", "zeta"), Owner: g.pick("", "a.person@example.com", "B. Person")}}
	}
	g.fill(t)
	return t
}

// fill sets every field the snapshot reads to a random value.
func (g *streamGen) fill(t *ticket.Ticket) {
	r := g.r
	t.Priority = ticket.Priority(g.pick("p1", "p2", "p3", "p4", "urgent"))
	t.Channel = ticket.Channel(g.pick("portal", "email", "api", "chat", "phone", "agent", "other", "fax"))
	t.Created = g.around(45 * 24 * time.Hour)
	t.State = ticket.State(g.pick("new", "in_progress", "waiting_customer", "waiting_partner", "resolved", "closed", "limbo"))
	t.Resolved, t.FirstReply, t.ReopenedAt, t.CSAT, t.CSATAt, t.Reopened = time.Time{}, time.Time{}, time.Time{}, "", time.Time{}, 0
	if !t.Open() || r.IntN(5) == 0 {
		t.Resolved = g.around(40 * 24 * time.Hour)
	}
	if r.IntN(3) > 0 {
		t.FirstReply = g.around(40 * 24 * time.Hour)
	}
	if r.IntN(5) == 0 {
		t.Reopened, t.ReopenedAt = 1, g.around(40*24*time.Hour)
	}
	if r.IntN(3) == 0 {
		t.CSAT, t.CSATAt = ticket.CSAT(g.pick("good", "bad", "")), g.around(40*24*time.Hour)
	}
	t.Escalated, t.Incident = r.IntN(5) == 0, r.IntN(6) == 0
	t.Quality = nil
	for range r.IntN(3) {
		t.Quality = append(t.Quality, g.pick(ticket.QualityUnknownChannel, ticket.QualityUnknownPriority, ticket.QualityUnknownStatus, ticket.QualityUnmappedCustomer))
	}
	t.Clocks = nil
	for range r.IntN(3) {
		t.Clocks = append(t.Clocks, g.clock())
	}
	g.history(t)
}

// history gives t a random state history (with statuses) and handling history, as the sources
// write them: oldest first, from about its creation, some entries out of order or after now.
func (g *streamGen) history(t *ticket.Ticket) {
	r := g.r
	t.Transitions, t.Handling = nil, nil
	t.Status = g.pick("open", "Waiting for Product", "pending", "")
	at := t.Created
	for range r.IntN(5) {
		t.Transitions = append(t.Transitions, ticket.Transition{At: at,
			State:  ticket.State(g.pick("new", "in_progress", "waiting_customer", "waiting_partner", "resolved")),
			Status: g.pick("open", "Waiting for Product", "")})
		at = at.Add(time.Duration(r.Int64N(int64(4 * 24 * time.Hour))))
	}
	at = t.Created.Add(-time.Duration(r.Int64N(int64(time.Hour))))
	for range r.IntN(5) {
		h := ticket.Handling{At: at}
		switch r.IntN(5) {
		case 0:
			h.Group, h.GroupID = g.pick("eng", "tier1"), g.pick("1", "2")
		case 1:
			h.Components = []string{g.pick("API", "Web")}
		case 2:
			h.Team = g.pick("product", "sales")
		case 3:
			h.Linked = []string{g.pick("ENG-1", "OPS-2")}
		}
		t.Handling = append(t.Handling, h)
		at = at.Add(time.Duration(r.Int64N(int64(3 * 24 * time.Hour))))
	}
}

// clock returns a random clock as the sources and the engine write them: native or computed,
// with running, paused, breached and completed cycles read at various instants.
func (g *streamGen) clock() ticket.Clock {
	r := g.r
	k := ticket.Clock{Name: g.pick(ticket.SLAFirstResponse, ticket.SLAResolution, "custom", ""), Origin: g.pick(ticket.OriginNative, ticket.OriginComputed)}
	for n := 1 + r.IntN(2); n > 0; n-- {
		goal := time.Duration(1+r.IntN(48*60)) * time.Minute
		start := g.around(10 * 24 * time.Hour)
		observed := start.Add(time.Duration(r.Int64N(int64(3 * 24 * time.Hour))))
		elapsed := time.Duration(r.Int64N(int64(goal) * 3 / 2))
		y := ticket.Cycle{Start: start, Goal: goal, Elapsed: elapsed, ObservedAt: observed}
		if left := goal - elapsed; left > 0 && r.IntN(2) == 0 {
			y.BreachAt = observed.Add(left + time.Duration(r.Int64N(int64(12*time.Hour))))
		}
		switch r.IntN(6) {
		case 0:
			y.Paused, y.BreachAt = true, time.Time{}
		case 1, 2:
			y.Stop = g.around(35 * 24 * time.Hour)
		case 3:
			y.ObservedAt = time.Time{}
		}
		y.Breached = y.Elapsed >= y.Goal
		k.Cycles = append(k.Cycles, y)
	}
	return k
}

// change returns a random change to live and applies it there: a new ticket, a ticket changed
// (as a new pointer, sometimes moved to another customer or source filter), or one deleted.
func (g *streamGen) change(live map[string]*ticket.Ticket) Change {
	var old *ticket.Ticket
	if len(live) > 0 && g.r.IntN(4) > 0 {
		ids := slices.Sorted(maps.Keys(live)) // the seed decides, not Go's map order
		old = live[ids[g.r.IntN(len(ids))]]
	}
	switch {
	case old == nil:
		t := g.ticket()
		live[t.ID()] = t
		return Change{New: t}
	case g.r.IntN(5) == 0:
		delete(live, old.ID())
		return Change{Old: old}
	}
	t := *old
	if g.r.IntN(3) == 0 {
		t.Attributes.Project = g.pick("alpha", "beta", "zeta", "")
	}
	g.fill(&t)
	ticket.CarryFormer(&t, old)
	live[t.ID()] = &t
	return Change{Old: old, New: &t}
}

// TestShardedViewsEqualComputeOnARealisticDesk: on a long-tailed desk of 30,000 tickets (business
// calendars, both sources, strangers), whose large customers span many shards, the time-driven
// and changed views equal Compute's as time passes by seconds to days, and as tickets change.
func TestShardedViewsEqualComputeOnARealisticDesk(t *testing.T) {
	in := benchInputShares(30_000, 20, true)
	inc := newIncremental(in, 64)
	if largest := slices.MaxFunc(inc.groups, func(a, b group) int { return len(a.tickets) - len(b.tickets) }); len(largest.shards) < 20 {
		t.Fatalf("the largest customer has %d shards, want many", len(largest.shards))
	}
	held := slices.Clone(in.Tickets)
	r := rand.New(rand.NewPCG(5, 6))
	at := in.Now
	for step := range 25 {
		at = at.Add([]time.Duration{time.Second, 15 * time.Second, 7 * time.Minute, 5 * time.Hour, 2 * 24 * time.Hour}[step%5])
		var changes []Change
		for range r.IntN(5) {
			j := r.IntN(len(held))
			nt := *held[j]
			nt.Escalated, nt.Updated = !nt.Escalated, at
			if r.IntN(3) == 0 {
				nt.State, nt.Resolved = ticket.StateResolved, at
			}
			changes = append(changes, Change{Old: held[j], New: &nt})
			held[j] = &nt
		}
		got := inc.Update(changes, at)
		want := in
		want.Tickets, want.Now = held, at
		same(t, fmt.Sprintf("step %d at %s", step, at.Format(time.RFC3339)), got, Compute(want))
	}
}
