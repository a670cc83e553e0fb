package sim

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// The scenarios a world can play.
const (
	// ScenarioDefault is ordinary traffic.
	ScenarioDefault = "default"
	// ScenarioBreachSoon adds, at Start, an open P1 incident of BreachingCustomer whose
	// first-response clock breaches ten minutes later, and makes HealthyCustomer's agents answer
	// at once, so one board shows a red customer and a green one and an alert fires within minutes.
	ScenarioBreachSoon = "breach-soon"
)

// DefaultHistory is how much past a world backfills when WorldOptions.History is zero.
const DefaultHistory = 30 * 24 * time.Hour

// WorldOptions say which world to simulate. The same options and the same Advance instants give
// the same tickets.
type WorldOptions struct {
	Desk     string        // DeskJira or DeskZendesk: which desk's customers this world simulates
	Seed     int64         // the random seed
	Scenario string        // ScenarioDefault (also "") or ScenarioBreachSoon
	History  time.Duration // past backfilled at creation: DefaultHistory when zero
	Start    time.Time     // the instant the world is created at (injected clock)
	// BaseURL is where ticket links point: https://demo.atlassian.net or
	// https://demo.zendesk.com when empty. Fake servers set their own address.
	BaseURL string
}

// World is a simulated desk: its customers and every ticket they raised from Start-History up
// to the last Advance. Safe for concurrent use.
type World struct {
	mu       sync.Mutex
	opts     WorldOptions
	desk     desk
	profiles []*profile
	from     time.Time // Start - History: nothing arrives before
	next     int64     // the next hour to plan
	now      time.Time // the last Advance
	plans    []*plan   // in order of creation
	byKey    map[string]*plan
}

// NewWorld builds a world and simulates its history up to opts.Start.
func NewWorld(opts WorldOptions) (*World, error) {
	switch opts.Desk {
	case DeskJira, DeskZendesk:
	default:
		return nil, fmt.Errorf("sim: unknown desk %q (want %s or %s)", opts.Desk, DeskJira, DeskZendesk)
	}
	switch opts.Scenario {
	case "":
		opts.Scenario = ScenarioDefault
	case ScenarioDefault, ScenarioBreachSoon:
	default:
		return nil, fmt.Errorf("sim: unknown scenario %q (want %s or %s)", opts.Scenario, ScenarioDefault, ScenarioBreachSoon)
	}
	switch {
	case opts.History < 0:
		return nil, fmt.Errorf("sim: negative history %s", opts.History)
	case opts.History == 0:
		opts.History = DefaultHistory
	}
	if opts.Start.IsZero() {
		return nil, fmt.Errorf("sim: no start instant")
	}
	if opts.BaseURL != "" && !strings.HasPrefix(opts.BaseURL, "http://") && !strings.HasPrefix(opts.BaseURL, "https://") {
		return nil, fmt.Errorf("sim: base URL %q is not an http(s) URL", opts.BaseURL)
	}
	from := opts.Start.Add(-opts.History)
	if from.Before(epoch) {
		return nil, fmt.Errorf("sim: history reaches %s, before the simulator's epoch %s", from.UTC().Format(time.RFC3339), epoch.Format(time.RFC3339))
	}
	w := &World{
		opts:     opts,
		desk:     newDesk(opts.Desk, opts.BaseURL),
		profiles: profiles(opts.Desk),
		from:     from,
		next:     hourIndex(from),
		now:      opts.Start,
		byKey:    map[string]*plan{},
	}
	w.planUntil(hourIndex(opts.Start))
	return w, nil
}

// Advance simulates everything up to now. Time only moves forward: an instant at or before the
// last one changes nothing.
func (w *World) Advance(now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !now.After(w.now) {
		return
	}
	w.now = now
	w.planUntil(hourIndex(now))
}

// Now returns the instant of the last Advance (Start before any).
func (w *World) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// Tickets returns every ticket on the desk as of the last Advance, in order of creation. Each
// call builds fresh tickets that the caller may keep: nothing is shared with the world or with
// other calls. Their Source is the desk's name; a sim Source sets its own configured name.
func (w *World) Tickets() []*ticket.Ticket {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*ticket.Ticket
	for _, pl := range w.plans {
		if pl.visible(w.now) {
			out = append(out, pl.ticketAt(w.desk, w.now))
		}
	}
	return out
}

// ChangedSince returns the tickets whose Updated is strictly after t, as of the last Advance,
// sorted by Updated then Key; a zero t returns every ticket. Strictly after is enough for a
// cursor that is the Updated of the last ticket applied: every change happens at or before the
// Advance instant that reveals it, so a change revealed later is always after any such cursor.
func (w *World) ChangedSince(t time.Time) []*ticket.Ticket {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*ticket.Ticket
	for _, pl := range w.plans {
		if pl.visible(w.now) && pl.updated(w.now).After(t) {
			out = append(out, pl.ticketAt(w.desk, w.now))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Updated.Equal(out[j].Updated) {
			return out[i].Updated.Before(out[j].Updated)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Ticket returns the ticket with the key as of the last Advance, if it is on the desk.
func (w *World) Ticket(key string) (*ticket.Ticket, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	pl, ok := w.byKey[key]
	if !ok || !pl.visible(w.now) {
		return nil, false
	}
	return pl.ticketAt(w.desk, w.now), true
}

// Keys returns the keys of every ticket on the desk as of the last Advance, sorted. A ticket
// moved out of scope (now and then one is) is no longer among them.
func (w *World) Keys() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, pl := range w.plans {
		if pl.visible(w.now) {
			out = append(out, w.desk.key(pl.number))
		}
	}
	sort.Strings(out)
	return out
}

// Customers returns the desk's simulated customers. The organization nobody configured (whose
// tickets map to no customer) is not one of them.
func (w *World) Customers() []DemoCustomer {
	var out []DemoCustomer
	for _, p := range w.profiles {
		if p.mapped {
			out = append(out, p.DemoCustomer)
		}
	}
	return out
}

// Organizations returns every organization of the world's desk, the one no customer names
// included: what the desk's organization list holds.
func (w *World) Organizations() []DemoCustomer {
	out := make([]DemoCustomer, 0, len(w.profiles))
	for _, p := range w.profiles {
		out = append(out, p.DemoCustomer)
	}
	return out
}

// Options returns the options the world was built with, defaults applied.
func (w *World) Options() WorldOptions { return w.opts }

// planUntil plans every hour up to and including last. Caller holds mu.
func (w *World) planUntil(last int64) {
	for ; w.next <= last; w.next++ {
		w.planHour(w.next)
	}
}

// arrival is one ticket raised in the hour being planned.
type arrival struct {
	at    time.Time
	p     *profile
	order int // the profile's position, to break ties
	index int // the arrival's position in the profile's stream
}

// planHour plans the tickets raised in hour h. Numbers go to the hour's arrivals in time order,
// whether or not they fall inside the history, so they do not depend on Start.
func (w *World) planHour(h int64) {
	seed := uint64(w.opts.Seed)
	var arr []arrival
	for i, p := range w.profiles {
		r := stream(seed, nameKey(p.Desk+"/"+p.Name), uint64(h), 1)
		for j, at := range arrivalTimes(r, p, h) {
			arr = append(arr, arrival{at: at, p: p, order: i, index: j})
		}
	}
	sort.Slice(arr, func(i, j int) bool {
		if !arr[i].at.Equal(arr[j].at) {
			return arr[i].at.Before(arr[j].at)
		}
		if arr[i].order != arr[j].order {
			return arr[i].order < arr[j].order
		}
		return arr[i].index < arr[j].index
	})
	if len(arr) > scriptedSlot {
		arr = arr[:scriptedSlot]
	}
	first := len(w.plans)
	for slot, a := range arr {
		if a.at.Before(w.from) {
			continue
		}
		r := stream(seed, nameKey(a.p.Desk+"/"+a.p.Name), uint64(h), 2, uint64(a.index))
		slowness := a.p.slowness * dayFactor(w.opts.Seed, a.p, h/24)
		healthy := w.opts.Scenario == ScenarioBreachSoon && a.p.ID == HealthyCustomer
		w.add(newPlan(r, a.p, h*slotsPerHour+int64(slot)+1, a.at, slowness, healthy))
	}
	if pl := w.scripted(h); pl != nil {
		w.add(pl)
	}
	added := w.plans[first:]
	sort.SliceStable(added, func(i, j int) bool { return added[i].created.Before(added[j].created) })
}

func (w *World) add(pl *plan) {
	w.plans = append(w.plans, pl)
	w.byKey[w.desk.key(pl.number)] = pl
}
