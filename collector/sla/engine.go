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

// OriginComputed is the Clock.Origin of clocks this package computes.
const OriginComputed = "computed"

// ContractSuffix is appended to the names of computed clocks on tickets of a source in "both"
// mode, so that the sla label tells the contract's clock from the tool's.
const ContractSuffix = "_contract"

// Engine computes contractual SLA clocks from the configuration's policies and calendars. It is
// built once per configuration; Apply keeps a cache across polls and is safe for concurrent use
// (calls are serialized).
type Engine struct {
	modes    map[string]string  // source name -> native | computed | both
	policies map[string]*policy // customer id -> effective contract

	mu    sync.Mutex
	cache map[*ticket.Ticket]*entry
	gen   uint64 // Apply calls so far; entries not seen in the last one are dropped
}

// policy is a customer's contract, compiled for per-ticket use.
type policy struct {
	cal   *Calendar
	goals map[ticket.Priority]goals
	pause []ticket.State
}

// goals are the two goals this package computes clocks for; zero means none.
type goals struct {
	firstResponse, resolution time.Duration
}

// paused reports whether the contract pauses its clocks in state s.
func (p *policy) paused(s ticket.State) bool { return slices.Contains(p.pause, s) }

// entry is the cached, now-independent part of one ticket's computed clocks.
type entry struct {
	customer string
	clocks   []clockPlan
	cycles   int // total cycles over clocks, to size the output in one allocation
	gen      uint64
}

// clockPlan is one computed clock before the observation instant is applied.
type clockPlan struct {
	name   string
	cal    *Calendar
	cycles []cyclePlan
}

// NewEngine builds every calendar and every customer's contract once. It fails on a calendar the
// config package would reject, or a policy naming an unknown calendar.
func NewEngine(cfg *config.Config) (*Engine, error) {
	if cfg == nil {
		return nil, errors.New("sla engine: no configuration")
	}
	cals := map[string]*Calendar{config.Calendar24x7: TwentyFourSeven()}
	for name, c := range cfg.Calendars {
		cal, err := NewCalendar(c)
		if err != nil {
			return nil, fmt.Errorf("calendar %s: %w", name, err)
		}
		cals[name] = cal
	}
	e := &Engine{
		modes:    make(map[string]string, len(cfg.Sources)),
		policies: make(map[string]*policy, len(cfg.Customers)),
		cache:    make(map[*ticket.Ticket]*entry),
	}
	for _, s := range cfg.Sources {
		e.modes[s.Name] = s.SLA
	}
	for _, cu := range cfg.Customers {
		pol := cfg.Policy(cu.ID)
		cal := cals[pol.SLA.Calendar]
		if cal == nil {
			return nil, fmt.Errorf("customer %s: unknown calendar %q", cu.ID, pol.SLA.Calendar)
		}
		p := &policy{cal: cal, goals: make(map[ticket.Priority]goals), pause: pol.SLA.PauseStates}
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
// instant the goal is reached on the calendar, shifted by pauses), Breached, Paused and
// ObservedAt = now. A clock whose goal the policy does not set is absent; an unknown customer has
// none.
func (e *Engine) Clocks(t *ticket.Ticket, customerID string, now time.Time) []ticket.Clock {
	plans := e.plan(t, e.policies[customerID], "")
	if len(plans) == 0 {
		return nil
	}
	out := make([]ticket.Clock, 0, len(plans))
	return appendClocks(out, plans, nil, now)
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
	out := make([]*ticket.Ticket, len(tickets))
	for i, t := range tickets {
		mode := e.modes[t.Source]
		if mode != config.SLAComputed && mode != config.SLABoth {
			out[i] = t
			continue
		}
		cust := customerOf(t)
		ent := e.cache[t]
		if ent == nil || ent.customer != cust {
			suffix := ""
			if mode == config.SLABoth {
				suffix = ContractSuffix
			}
			ent = &entry{customer: cust, clocks: e.plan(t, e.policies[cust], suffix)}
			for _, c := range ent.clocks {
				ent.cycles += len(c.cycles)
			}
			e.cache[t] = ent
		}
		ent.gen = e.gen
		nt := *t
		var native []ticket.Clock
		if mode == config.SLABoth {
			native = t.Clocks
		}
		nt.Clocks = nil
		if n := len(native) + len(ent.clocks); n > 0 {
			nt.Clocks = make([]ticket.Clock, 0, n)
			nt.Clocks = append(nt.Clocks, native...)
			nt.Clocks = appendClocks(nt.Clocks, ent.clocks, make([]ticket.Cycle, 0, ent.cycles), now)
		}
		out[i] = &nt
	}
	for t, ent := range e.cache {
		if ent.gen != e.gen {
			delete(e.cache, t)
		}
	}
	return out
}

// plan computes the now-independent clocks of a ticket under a contract.
func (e *Engine) plan(t *ticket.Ticket, p *policy, suffix string) []clockPlan {
	if p == nil {
		return nil
	}
	g := p.goals[t.Priority]
	if g.firstResponse <= 0 && g.resolution <= 0 {
		return nil
	}
	tl := timelineOf(t, p.paused)
	var plans []clockPlan
	if g.firstResponse > 0 {
		plans = append(plans, clockPlan{
			name:   ticket.SLAFirstResponse + suffix,
			cal:    p.cal,
			cycles: []cyclePlan{planCycle(p.cal, firstResponse(t, tl), tl.pauses, g.firstResponse)},
		})
	}
	if g.resolution > 0 {
		cycles := make([]cyclePlan, 0, len(tl.cycles))
		for _, s := range tl.cycles {
			cycles = append(cycles, planCycle(p.cal, s, tl.pauses, g.resolution))
		}
		plans = append(plans, clockPlan{name: ticket.SLAResolution + suffix, cal: p.cal, cycles: cycles})
	}
	return plans
}

// appendClocks finishes the planned clocks at now and appends them to dst, carving their cycles
// out of buf (which may be nil) to spare one allocation per clock.
func appendClocks(dst []ticket.Clock, plans []clockPlan, buf []ticket.Cycle, now time.Time) []ticket.Clock {
	for i := range plans {
		p := &plans[i]
		start := len(buf)
		for j := range p.cycles {
			buf = append(buf, p.cycles[j].at(p.cal, now))
		}
		dst = append(dst, ticket.Clock{Name: p.name, Origin: OriginComputed, Cycles: buf[start:len(buf):len(buf)]})
	}
	return dst
}
