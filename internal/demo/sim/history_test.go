package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// TestTransitionsMatchTheStateMachine checks every simulated ticket's state history against
// what the rest of the ticket says the state machine did: it starts new at Created, changes state
// at every entry, ends in the current state, has one return from resolved per reopen (the last
// at ReopenedAt) and a resolution at Resolved; and the time it spends waiting on the customer
// within each resolution cycle is exactly the time that cycle's clock was paused. So a computed
// SLA placing pauses and cycles from Transitions agrees with the simulator's own clocks.
func TestTransitionsMatchTheStateMachine(t *testing.T) {
	for _, desk := range []string{DeskJira, DeskZendesk} {
		t.Run(desk, func(t *testing.T) {
			w := mustWorld(t, WorldOptions{Desk: desk, Seed: 5, History: 10 * 24 * time.Hour})
			now := w.Now()
			var reopened, waited int
			for _, tk := range w.Tickets() {
				h := tk.Transitions
				if len(h) == 0 || !h[0].At.Equal(tk.Created) || h[0].State != ticket.StateNew || h[0].Status != tk.Transitions[0].Status || h[0].Status == "" {
					t.Fatalf("%s: history starts %v, want new at %v", tk.Key, h, tk.Created)
				}
				reopens := 0
				var lastReopen, lastResolve time.Time
				for i := 1; i < len(h); i++ {
					prev, cur := h[i-1], h[i]
					if cur.At.Before(prev.At) || cur.State == prev.State || cur.At.After(tk.Updated) {
						t.Errorf("%s: entry %d %v after %v (updated %v)", tk.Key, i, cur, prev, tk.Updated)
					}
					if !prev.State.Open() && cur.State.Open() {
						reopens++
						lastReopen = cur.At
					}
					if cur.State == ticket.StateResolved {
						lastResolve = cur.At
					}
				}
				if got := h[len(h)-1].State; got != tk.State {
					t.Errorf("%s: history ends %s, state %s", tk.Key, got, tk.State)
				}
				if reopens != tk.Reopened || (reopens > 0 && !lastReopen.Equal(tk.ReopenedAt)) {
					t.Errorf("%s: history reopens %d (last %v), ticket %d at %v", tk.Key, reopens, lastReopen, tk.Reopened, tk.ReopenedAt)
				}
				if !tk.Resolved.IsZero() && !lastResolve.Equal(tk.Resolved) {
					t.Errorf("%s: history resolves at %v, ticket at %v", tk.Key, lastResolve, tk.Resolved)
				}
				reopened += reopens

				res, _ := tk.Clock(ticket.SLAResolution)
				for i, c := range res.Cycles {
					end := c.Stop
					if c.Running() {
						end = now
					}
					wait := waiting(h, c.Start, end)
					if wait > 0 {
						waited++
					}
					if got := end.Sub(c.Start) - c.Elapsed; got != wait {
						t.Errorf("%s cycle %d: clock paused %v, history waits on the customer %v", tk.Key, i, got, wait)
					}
				}
			}
			// The checks above must have met reopens and customer waits to mean anything.
			if reopened == 0 || waited == 0 {
				t.Errorf("world without reopens (%d) or customer waits (%d): the test checks nothing", reopened, waited)
			}
		})
	}
}

// waiting is the time the history spends in waiting_customer within [from, to).
func waiting(h []ticket.Transition, from, to time.Time) time.Duration {
	var d time.Duration
	for i, tr := range h {
		if tr.State != ticket.StateWaitingCustomer {
			continue
		}
		end := to
		if i+1 < len(h) && h[i+1].At.Before(to) {
			end = h[i+1].At
		}
		start := tr.At
		if start.Before(from) {
			start = from
		}
		if end.After(start) {
			d += end.Sub(start)
		}
	}
	return d
}

// TestComputedClocksMatchNative computes each simulated ticket's SLA clocks from its history
// with collector/sla and the demo config's contracts (24x7, paused while waiting on the
// customer, the simulator's own goals) and finds the simulator's native clocks, cycle for cycle:
// start, stop, goal, elapsed, breached and paused. BreachAt is left out: the simulator moves it
// by every pause of the cycle, also those after the breach, where collector/sla keeps the
// instant the goal was reached.
func TestComputedClocksMatchNative(t *testing.T) {
	cfg := DemoConfig()
	for i := range cfg.Sources {
		cfg.Sources[i].SLA = config.SLAComputed
	}
	eng, err := sla.NewEngine(cfg)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	for _, desk := range []string{DeskJira, DeskZendesk} {
		t.Run(desk, func(t *testing.T) {
			w := mustWorld(t, WorldOptions{Desk: desk, Seed: 3, History: 10 * 24 * time.Hour})
			now := w.Now()
			checked, paused, reopened := 0, 0, 0
			for _, tk := range w.Tickets() {
				cust := customerOf(tk)
				if cust == "" {
					continue
				}
				computed := eng.Clocks(tk, cust, now)
				for _, name := range []string{ticket.SLAFirstResponse, ticket.SLAResolution} {
					native, _ := tk.Clock(name)
					var got ticket.Clock
					for _, c := range computed {
						if c.Name == name {
							got = c
						}
					}
					if fmt.Sprint(sansBreachAt(got.Cycles)) != fmt.Sprint(sansBreachAt(native.Cycles)) {
						t.Errorf("%s %s:\ncomputed %+v\n  native %+v\nhistory %v", tk.Key, name, got.Cycles, native.Cycles, tk.Transitions)
						continue
					}
					checked++
					for _, c := range native.Cycles {
						if c.Paused || (!c.Running() && c.Elapsed < c.Stop.Sub(c.Start)) {
							paused++
						}
					}
					if name == ticket.SLAResolution && len(native.Cycles) > 1 {
						reopened++
					}
				}
			}
			if checked == 0 || paused == 0 || reopened == 0 {
				t.Errorf("checked %d clocks, %d with pauses, %d reopened: the test checks too little", checked, paused, reopened)
			}
		})
	}
}

// sansBreachAt returns the cycles without their breach instants.
func sansBreachAt(cs []ticket.Cycle) []ticket.Cycle {
	out := make([]ticket.Cycle, len(cs))
	for i, c := range cs {
		c.BreachAt = time.Time{}
		out[i] = c
	}
	return out
}
