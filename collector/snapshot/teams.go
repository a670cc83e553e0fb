package snapshot

import (
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/team"
	"github.com/custops/custops/collector/ticket"
)

// TeamStat is where one customer's tickets wait on one team (collector/team).
type TeamStat struct {
	ID, Name string
	// Open counts the open tickets waiting on the team now; OldestSince is when the longest of
	// those waits began (zero when none waits): an instant, so that it holds while time passes.
	Open        float64
	OldestSince time.Time
	// Waited summarizes, per window of catalog.TeamWaitWindows, the tickets resolved inside it
	// that waited on the team at all: each ticket's whole time with the team, over every stay,
	// in seconds.
	Waited []Summary
	// HasOLA: the team has an OLA. Then OLABreached and OLAAtRisk count the open tickets whose
	// running OLA cycle is past its target or at risk (sla.StatusAt on the OLA's calendar), and
	// OLANextBreach is the earliest upcoming breach of a counting cycle (zero when none).
	HasOLA        bool
	OLABreached   float64
	OLAAtRisk     float64
	OLANextBreach time.Time
}

// teamAccs is what the teams need while tickets stream by; nil without teams.
type teamAccs struct {
	ts      *team.Teams
	windows []int   // indices in catalog.Windows of catalog.TeamWaitWindows
	waitLo  int64   // nanos: the start of the longest of them; older resolutions count nowhere
	waited  samples // keyed by (customer*teams + team)*len(windows) + window
}

// newTeamAccs returns nil when the configuration has no teams.
func newTeamAccs(ts *team.Teams, win windows) *teamAccs {
	if ts == nil || ts.Len() == 0 {
		return nil
	}
	a := &teamAccs{ts: ts, waitLo: win.now}
	for _, name := range catalog.TeamWaitWindows {
		i := windowIndex(name)
		a.windows = append(a.windows, i)
		a.waitLo = min(a.waitLo, win.starts[i])
	}
	return a
}

// initCustomer gives customer c one TeamStat per team, in config order.
func (ta *teamAccs) initCustomer(c *Customer) {
	if ta == nil {
		return
	}
	c.Teams = make([]TeamStat, ta.ts.Len())
	for i := range c.Teams {
		c.Teams[i] = TeamStat{ID: ta.ts.ID(i), Name: ta.ts.Name(i), HasOLA: ta.ts.HasOLA(i)}
	}
}

// addTeams folds where t waits into customer ci: an open ticket counts with the team it waits on
// now, and its running OLA cycles by their status at now; a ticket resolved inside a wait window
// adds its time with each team to that window. A ticket resolved before every window costs
// nothing.
func (b *builder) addTeams(ci int, t *ticket.Ticket, open bool) {
	ta := b.teams
	if ta == nil {
		return
	}
	resolved := nanos(t.Resolved)
	if !open && resolved <= ta.waitLo {
		return
	}
	c, a := &b.customers[ci], &b.accs[ci]
	stays := ta.ts.Stays(t)
	if !open {
		a.soon(b.win.edge(resolved))
		var waited []time.Duration
		for wi, w := range ta.windows {
			if !b.win.in(w, resolved) {
				continue
			}
			if waited == nil {
				waited = ta.ts.Waited(stays, b.now)
			}
			for team, d := range waited {
				if d > 0 {
					ta.waited.add((ci*ta.ts.Len()+team)*len(ta.windows)+wi, d.Seconds())
				}
			}
		}
		return
	}
	if team, since := team.Current(stays); team >= 0 {
		s := &c.Teams[team]
		s.Open++
		s.OldestSince = earliest(s.OldestSince, since)
	}
	for _, cy := range ta.ts.OLA(t, stays, b.now) {
		if !cy.Cycle.Running() {
			continue
		}
		st := ta.ts.Status(cy.Team, cy.Cycle, b.now)
		if next := ta.ts.NextChange(cy.Team, cy.Cycle, b.now); !next.IsZero() {
			a.soon(nanos(next))
		}
		s := &c.Teams[cy.Team]
		switch st.State {
		case sla.StateBreached:
			s.OLABreached++
		case sla.StateAtRisk:
			s.OLAAtRisk++
		}
		if st.Counting() && st.BreachAt.After(b.now) {
			s.OLANextBreach = earliest(s.OLANextBreach, st.BreachAt)
		}
	}
}

// finishTeams summarizes the waits per customer, team and window.
func (b *builder) finishTeams() {
	ta := b.teams
	if ta == nil {
		return
	}
	nt, nw := ta.ts.Len(), len(ta.windows)
	groups := ta.waited.group(len(b.customers) * nt * nw)
	for ci := range b.customers {
		c := &b.customers[ci]
		for ti := range c.Teams {
			s := &c.Teams[ti]
			s.Waited = make([]Summary, nw)
			for wi := range nw {
				if g := groups[(ci*nt+ti)*nw+wi]; len(g) > 0 {
					s.Waited[wi] = summarize(g)
				} // else the zero Summary: no quantiles (NaN when rendered), equal across snapshots
			}
		}
	}
}
