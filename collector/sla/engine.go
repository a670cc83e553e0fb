package sla

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// Names of the computed clocks in "both" mode, spelled out so that naming costs no allocation.
const (
	firstResponseContract = ticket.SLAFirstResponse + ContractSuffix
	resolutionContract    = ticket.SLAResolution + ContractSuffix
)

// ContractSuffix is appended to the names of computed clocks on tickets of a source in "both"
// mode, so that the sla label tells the contract's clock from the tool's.
const ContractSuffix = "_contract"

// Engine computes contractual SLA clocks from the configuration's policies and calendars. It is
// built once per configuration; Apply keeps a cache across polls and is safe for concurrent use
// (calls are serialized).
type Engine struct {
	modes    map[string]string  // source name -> native | computed | both
	policies map[string]*policy // customer id -> effective contract

	cals []*Calendar // every calendar a policy uses; policies and clocks refer to them by index

	mu     sync.Mutex
	anchor time.Time       // set by the first Apply: origin of the cached cumulative working times
	wNow   []time.Duration // per calendar, the cumulative working time at the current Apply's now
	cache  cache
	gen    uint64   // Apply calls so far; entries not seen in the last one are dropped
	tl     timeline // scratch for Apply, reused across tickets
}

// policy is a customer's contract, compiled for per-ticket use.
type policy struct {
	cal   *Calendar
	calIx int // index in Engine.cals
	goals map[ticket.Priority]goals
	pause []ticket.State
}

// goals are the two goals this package computes clocks for; zero means none.
type goals struct {
	firstResponse, resolution time.Duration
}

// computes reports whether the contract has a goal this package computes for priority prio; a
// nil policy (an unknown customer) has none.
func (p *policy) computes(prio ticket.Priority) bool {
	if p == nil {
		return false
	}
	g := p.goals[prio]
	return g.firstResponse > 0 || g.resolution > 0
}

// paused reports whether the contract pauses its clocks in state s.
func (p *policy) paused(s ticket.State) bool { return slices.Contains(p.pause, s) }

// entry is the cached, now-independent part of one ticket's computed clocks.
type entry struct {
	customer string
	n        int          // clocks in use
	clocks   [2]clockPlan // first_response, resolution: the clocks this package computes
	cycles   int          // total cycles over clocks, to size the output in one allocation
	running  bool         // some cycle runs: the output changes with now
	out      *ticket.Ticket
}

// clockPlan is one computed clock before the observation instant is applied.
type clockPlan struct {
	name   string
	cal    *Calendar
	calIx  int
	cycles []cyclePlan
}

// NewEngine builds every calendar and every customer's contract once. It fails on a calendar the
// config package would reject, or a policy naming an unknown calendar.
func NewEngine(cfg *config.Config) (*Engine, error) {
	if cfg == nil {
		return nil, errors.New("sla engine: no configuration")
	}
	cals, err := NewCalendars(cfg)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		modes:    make(map[string]string, len(cfg.Sources)),
		policies: make(map[string]*policy, len(cfg.Customers)),
	}
	for _, s := range cfg.Sources {
		e.modes[s.Name] = s.SLA
	}
	for _, cu := range cfg.Customers {
		pol := cfg.Policy(cu.ID)
		cal := cals.Named(pol.SLA.Calendar)
		if cal == nil {
			return nil, fmt.Errorf("customer %s: unknown calendar %q", cu.ID, pol.SLA.Calendar)
		}
		ix := slices.Index(e.cals, cal)
		if ix < 0 {
			ix = len(e.cals)
			e.cals = append(e.cals, cal)
		}
		p := &policy{cal: cal, calIx: ix, goals: make(map[ticket.Priority]goals), pause: pol.SLA.PauseStates}
		for _, prio := range ticket.Priorities {
			var g goals
			if d, ok := pol.Goal(prio, ticket.SLAFirstResponse); ok {
				g.firstResponse = d
			}
			if d, ok := pol.Goal(prio, ticket.SLAResolution); ok {
				g.resolution = d
			}
			p.goals[prio] = g
		}
		e.policies[cu.ID] = p
	}
	return e, nil
}

// Clocks computes the contractual clocks of a ticket for the customer's policy at now:
// first_response (from Created to FirstReply, or to the first resolution when there was no reply)
// and resolution (one cycle from Created, and one more from each reopen, to the resolution that
// ended it). Both pause in the policy's pause states per the ticket's Transitions. Each cycle has
// its Goal for the ticket's priority, Elapsed working time as of now (or its stop), BreachAt (the
// instant the goal is reached on the calendar, shifted by pauses), Breached (StatusAt at now),
// Paused and ObservedAt: now for a running cycle, its stop for a completed one (whose values are
// final, so that a resolved ticket's clocks are the same at every poll). Origin is
// ticket.OriginComputed. A clock whose goal the policy does not set is absent; an unknown
// customer has none.
func (e *Engine) Clocks(t *ticket.Ticket, customerID string, now time.Time) []ticket.Clock {
	var ent entry
	e.plan(&ent, t, e.policies[customerID], false, timeline{}, time.Time{})
	if ent.n == 0 {
		return nil
	}
	return appendClocks(make([]ticket.Clock, 0, ent.n), ent.clocks[:ent.n], nil, now, nil)
}

// Apply returns the tickets with computed clocks per their source's sla mode: "native" (or a
// source the configuration does not name) leaves a ticket as it is, same pointer; "computed"
// replaces its clocks by computed ones; "both" keeps its clocks and adds the computed ones named
// with ContractSuffix. A changed ticket is a shallow copy with a new Clocks slice: the input
// tickets and slice are never modified.
//
// The parts that do not depend on now are cached per ticket pointer and customer, so a poll that
// changes few tickets only recomputes the elapsed time of running clocks; the cache keeps only
// the tickets of the last call.
func (e *Engine) Apply(tickets []*ticket.Ticket, customerOf func(*ticket.Ticket) string, now time.Time) []*ticket.Ticket {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gen++
	if e.anchor.IsZero() {
		e.anchor = now
	}
	e.wNow = e.wNow[:0]
	for _, cal := range e.cals {
		e.wNow = append(e.wNow, cumulative(cal, e.anchor, now))
	}
	out := make([]*ticket.Ticket, len(tickets))
	copies := slab[ticket.Ticket]{chunk: 256}
	clocks := slab[ticket.Clock]{chunk: 1024}
	cycles := slab[ticket.Cycle]{chunk: 1024}
	for i, t := range tickets {
		mode := e.modes[t.Source]
		if mode != config.SLAComputed && mode != config.SLABoth {
			out[i] = t
			continue
		}
		cust := customerOf(t)
		p := e.policies[cust]
		ent := e.cache.get(t, e.gen)
		if !p.computes(t.Priority) {
			// No contract clock for this ticket (an unmapped customer, a priority without
			// goals): "both" leaves it as it is, "computed" drops the tool's clocks, once.
			out[i] = t
			if mode == config.SLAComputed && len(t.Clocks) > 0 {
				if ent == nil || ent.customer != cust {
					nt := *t
					nt.Clocks = nil
					ent = &entry{customer: cust, out: &nt}
					e.cache.put(t, ent, e.gen, len(tickets))
				}
				out[i] = ent.out
			}
			continue
		}
		if ent == nil || ent.customer != cust {
			ent = &entry{customer: cust}
			e.tl = e.plan(ent, t, p, mode == config.SLABoth, e.tl, e.anchor)
			e.cache.put(t, ent, e.gen, len(tickets))
		}
		if ent.out != nil {
			out[i] = ent.out
			continue
		}
		var native []ticket.Clock
		if mode == config.SLABoth {
			native = t.Clocks
		}
		n := len(native) + ent.n
		if !ent.running {
			// Nothing in it moves with now: build it once, on its own allocations so that it
			// pins nothing of a poll's slabs, and hand out the same pointer until t changes.
			nt := *t
			nt.Clocks = nil
			if n > 0 {
				nt.Clocks = append(make([]ticket.Clock, 0, n), native...)
				nt.Clocks = appendClocks(nt.Clocks, ent.clocks[:ent.n], make([]ticket.Cycle, 0, ent.cycles), now, e.wNow)
			}
			ent.out = &nt
			ent.clocks = [2]clockPlan{} // the output holds all that is left to know
			out[i] = ent.out
			continue
		}
		nt := &copies.take(1)[0]
		*nt = *t
		nt.Clocks = append(clocks.take(n)[:0], native...)
		nt.Clocks = appendClocks(nt.Clocks, ent.clocks[:ent.n], cycles.take(ent.cycles)[:0], now, e.wNow)
		out[i] = nt
	}
	e.cache.sweep(e.gen)
	return out
}

// Ticket is Apply for one ticket, without the cache: the ticket with computed clocks per its
// source's sla mode at now (the same pointer when the mode leaves it as it is). For a reader that
// computes each ticket once when it changes (the incremental snapshot): a computed clock read at
// an earlier instant says the same as one computed now, because StatusAt counts a running clock
// from its breach instant, which does not move while it counts, and a paused clock counts nothing.
func (e *Engine) Ticket(t *ticket.Ticket, customerID string, now time.Time) *ticket.Ticket {
	mode := e.modes[t.Source]
	if mode != config.SLAComputed && mode != config.SLABoth {
		return t
	}
	p := e.policies[customerID]
	if !p.computes(t.Priority) {
		if mode == config.SLAComputed && len(t.Clocks) > 0 {
			nt := *t
			nt.Clocks = nil
			return &nt
		}
		return t
	}
	var ent entry
	e.plan(&ent, t, p, mode == config.SLABoth, timeline{}, time.Time{})
	var native []ticket.Clock
	if mode == config.SLABoth {
		native = t.Clocks
	}
	nt := *t
	nt.Clocks = nil
	if n := len(native) + ent.n; n > 0 {
		nt.Clocks = append(make([]ticket.Clock, 0, n), native...)
		nt.Clocks = appendClocks(nt.Clocks, ent.clocks[:ent.n], make([]ticket.Cycle, 0, ent.cycles), now, nil)
	}
	return &nt
}

// plan fills ent with the now-independent clocks of a ticket under a contract, named with
// ContractSuffix when contract is set. It returns the timeline it used, whose slices the caller
// may pass again as scratch. A non-zero anchor lets running cycles be finished by subtraction.
func (e *Engine) plan(ent *entry, t *ticket.Ticket, p *policy, contract bool, scratch timeline, anchor time.Time) timeline {
	if !p.computes(t.Priority) {
		return scratch
	}
	g := p.goals[t.Priority]
	frName, resName := ticket.SLAFirstResponse, ticket.SLAResolution
	if contract {
		frName, resName = firstResponseContract, resolutionContract
	}
	tl := timelineOf(t, p.paused, scratch)
	if g.firstResponse > 0 {
		ent.cycles++
	}
	if g.resolution > 0 {
		ent.cycles += len(tl.cycles)
	}
	buf := make([]cyclePlan, 0, ent.cycles) // one allocation for every cycle of the ticket
	if g.firstResponse > 0 {
		fr := firstResponse(t, tl)
		ent.running = fr.open()
		buf = append(buf, planCycle(p.cal, fr, tl.pauses, g.firstResponse, anchor))
		ent.clocks[ent.n] = clockPlan{name: frName, cal: p.cal, calIx: p.calIx, cycles: buf[:1:1]}
		ent.n++
	}
	if g.resolution > 0 {
		start := len(buf)
		for _, s := range tl.cycles {
			buf = append(buf, planCycle(p.cal, s, tl.pauses, g.resolution, anchor))
		}
		ent.running = ent.running || tl.cycles[len(tl.cycles)-1].open()
		ent.clocks[ent.n] = clockPlan{name: resName, cal: p.cal, calIx: p.calIx, cycles: buf[start:]}
		ent.n++
	}
	return tl
}

// appendClocks finishes the planned clocks at now and appends them to dst, carving their cycles
// out of buf (which may be nil) to spare one allocation per clock. wNow, when not nil, holds the
// cumulative working time at now of each calendar from the anchor the plans were made with.
func appendClocks(dst []ticket.Clock, plans []clockPlan, buf []ticket.Cycle, now time.Time, wNow []time.Duration) []ticket.Clock {
	for i := range plans {
		p := &plans[i]
		var w *time.Duration
		if wNow != nil {
			w = &wNow[p.calIx]
		}
		start := len(buf)
		for j := range p.cycles {
			buf = append(buf, p.cycles[j].at(p.cal, now, w))
		}
		dst = append(dst, ticket.Clock{Name: p.name, Origin: ticket.OriginComputed, Cycles: buf[start:len(buf):len(buf)]})
	}
	return dst
}
