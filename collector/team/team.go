// Package team says where a ticket waits: which internal team (config teams) it is with at each
// instant of its life, from its state history and its handling history (collector/ticket), and
// each team's OLA clock. Pure functions of a ticket and the config; no clock.
//
// A ticket is with the first team, in config order, whose rules match what the ticket was at that
// instant: its state, its status, its Zendesk group, its Jira components, its team field, its
// open linked issues. A stay is a stretch with one team; the ticket's stays end when it is
// resolved. A team's OLA runs one cycle per stay (or per run of stays joined by stays with a
// team that pauses it), counted on the OLA's calendar by collector/sla's arithmetic, and what
// a cycle is at an instant is sla.StatusAt's to say, as for every clock.
package team

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// Teams is the configuration's teams, compiled. Immutable after New and safe for concurrent use.
type Teams struct {
	ids   []string
	names []string
	rules []rule
	olas  []*ola // by team; nil without an OLA
}

// rule is one team's when, folded for look-ups.
type rule struct {
	states     []ticket.State
	statuses   map[string]bool
	groups     map[string]bool
	components map[string]bool
	teamField  map[string]bool
	linked     []string // project keys with the dash: "ENG-"
}

// ola is one team's OLA, compiled.
type ola struct {
	cal      *sla.Calendar
	atRisk   config.Threshold
	targets  map[ticket.Priority]time.Duration
	pausedBy []bool // by team index
}

// New compiles cfg's teams; cals are cfg's calendars (a nil one builds them). A calendar cfg
// does not define counts round the clock (validation refuses such a configuration).
func New(cfg *config.Config, cals *sla.Calendars) *Teams {
	ts := &Teams{}
	if cfg == nil {
		return ts
	}
	if cals == nil {
		cals, _ = sla.NewCalendars(cfg)
		if cals == nil {
			cals, _ = sla.NewCalendars(nil)
		}
	}
	for _, t := range cfg.Teams {
		ts.ids = append(ts.ids, t.ID)
		ts.names = append(ts.names, t.Name)
		m := t.When
		r := rule{
			states:     slices.Clone(m.States),
			statuses:   folded(m.Statuses),
			groups:     folded(m.Groups),
			components: folded(m.Components),
			teamField:  folded(m.TeamField),
		}
		for _, p := range m.LinkedProject {
			r.linked = append(r.linked, strings.ToUpper(strings.TrimSpace(p))+"-")
		}
		ts.rules = append(ts.rules, r)
	}
	for _, t := range cfg.Teams {
		if t.OLA == nil {
			ts.olas = append(ts.olas, nil)
			continue
		}
		o := &ola{cal: cals.Named(t.OLA.Calendar), atRisk: t.OLA.AtRisk, targets: map[ticket.Priority]time.Duration{}, pausedBy: make([]bool, len(ts.ids))}
		if o.cal == nil {
			o.cal = sla.TwentyFourSeven()
		}
		for p, d := range t.OLA.Targets {
			o.targets[p] = time.Duration(d)
		}
		for _, id := range t.OLA.PausedBy {
			if i := slices.Index(ts.ids, id); i >= 0 {
				o.pausedBy[i] = true
			}
		}
		ts.olas = append(ts.olas, o)
	}
	return ts
}

func folded(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, v := range list {
		m[strings.ToLower(strings.TrimSpace(v))] = true
	}
	return m
}

// Len is the number of teams; a team is named by its index below Len.
func (ts *Teams) Len() int { return len(ts.ids) }

// ID returns the id of team i (the `team` label).
func (ts *Teams) ID(i int) string { return ts.ids[i] }

// Name returns the display name of team i.
func (ts *Teams) Name(i int) string { return ts.names[i] }

// Index returns the index of the team with the id, or -1.
func (ts *Teams) Index(id string) int { return slices.Index(ts.ids, id) }

// HasOLA reports whether team i has an OLA.
func (ts *Teams) HasOLA(i int) bool { return ts.olas[i] != nil }

// Stay is a stretch of a ticket's life with one team: [From, To), a zero To while it lasts.
type Stay struct {
	Team     int
	From, To time.Time
}

// Open reports whether the stay lasts.
func (s Stay) Open() bool { return s.To.IsZero() }

// Duration returns how long the stay lasted, or has lasted at now while it lasts.
func (s Stay) Duration(now time.Time) time.Duration {
	if s.Open() {
		return max(0, now.Sub(s.From))
	}
	return s.To.Sub(s.From)
}

// facts is what a ticket is at an instant, as far as team rules look.
type facts struct {
	state    ticket.State
	status   string
	handling ticket.Handling
}

// match returns the first team whose rule matches f, or -1. A ticket that is not open waits on
// no team.
func (ts *Teams) match(f *facts) int {
	if !f.state.Open() {
		return -1
	}
	status := strings.ToLower(f.status)
	h := &f.handling
	for i := range ts.rules {
		r := &ts.rules[i]
		switch {
		case slices.Contains(r.states, f.state),
			status != "" && r.statuses[status],
			h.Group != "" && r.groups[strings.ToLower(h.Group)],
			h.GroupID != "" && r.groups[h.GroupID],
			h.Team != "" && r.teamField[strings.ToLower(h.Team)],
			anyFolded(r.components, h.Components),
			linkedIn(r.linked, h.Linked):
			return i
		}
	}
	return -1
}

func anyFolded(set map[string]bool, vals []string) bool {
	for _, v := range vals {
		if set[strings.ToLower(v)] {
			return true
		}
	}
	return false
}

// linkedIn reports whether a linked key is in one of the projects (given as "KEY-" prefixes).
func linkedIn(prefixes []string, keys []string) bool {
	for _, k := range keys {
		for _, p := range prefixes {
			if len(k) > len(p) && strings.EqualFold(k[:len(p)], p) {
				return true
			}
		}
	}
	return false
}

// change is an instant at which something team rules read changed.
type change struct {
	at       time.Time
	state    bool // a transition (else a handling)
	i        int  // index into the ticket's transitions or handling
	override *ticket.Transition
}

// Stays returns the ticket's stays with teams, oldest first: read from its state history
// (Transitions; the current State and Status have the last word) and its handling history
// (Handling; the last entry holds now). Instants before Created count from Created. A ticket
// with no teams configured, or that matched none, has none.
func (ts *Teams) Stays(t *ticket.Ticket) []Stay {
	if len(ts.rules) == 0 {
		return nil
	}
	changes := make([]change, 0, len(t.Transitions)+len(t.Handling)+2)
	trs := t.Transitions
	for i := range trs {
		changes = append(changes, change{at: latest(trs[i].At, t.Created), state: true, i: i})
	}
	// The current state has the last word when the history lags behind it, as the SLA
	// timelines read it; and the current status names the last stretch's status.
	cur := ticket.Transition{At: t.Updated, State: t.State, Status: t.Status}
	if n := len(trs); n == 0 {
		cur.At = t.Created
		changes = append(changes, change{at: t.Created, state: true, i: -1, override: &cur})
	} else if last := trs[n-1]; last.State != t.State || (last.Status != "" && !strings.EqualFold(last.Status, t.Status)) {
		cur.At = t.Updated
		if !t.Open() {
			cur.At = stopAt(t) // resolved: at its resolution, as the SLA timelines place it
		}
		cur.At = latest(latest(cur.At, last.At), t.Created)
		changes = append(changes, change{at: cur.At, state: true, i: -1, override: &cur})
	}
	for i := range t.Handling {
		changes = append(changes, change{at: latest(t.Handling[i].At, t.Created), i: i})
	}
	// Stable: at one instant, changes apply in the order they were listed, state first.
	slices.SortStableFunc(changes, func(a, b change) int { return a.at.Compare(b.at) })

	var f facts
	f.state = ticket.StateNew
	lastState := -1 // index of the last transition applied, for the status fallback
	var stays []Stay
	team := -1
	for k := 0; k < len(changes); {
		at := changes[k].at
		for ; k < len(changes) && changes[k].at.Equal(at); k++ {
			c := changes[k]
			switch {
			case c.override != nil:
				f.state, f.status = c.override.State, c.override.Status
			case c.state:
				f.state, f.status = trs[c.i].State, trs[c.i].Status
				lastState = c.i
			default:
				f.handling = t.Handling[c.i]
			}
		}
		if f.status == "" && lastState == len(trs)-1 && f.state == t.State {
			f.status = t.Status // the last transition without a status: the current one
		}
		next := ts.match(&f)
		if next == team {
			continue
		}
		if team >= 0 {
			stays[len(stays)-1].To = at
		}
		if next >= 0 {
			stays = append(stays, Stay{Team: next, From: at})
		}
		team = next
	}
	if team >= 0 && !t.Open() {
		// The history says open, the ticket says resolved: the stay ended by its resolution.
		stays[len(stays)-1].To = latest(stopAt(t), stays[len(stays)-1].From)
	}
	return stays
}

// stopAt is when a resolved ticket stopped: its resolution, else its last update.
func stopAt(t *ticket.Ticket) time.Time {
	if !t.Resolved.IsZero() {
		return t.Resolved
	}
	return t.Updated
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Current returns the team the ticket waits on now and since when, from its stays; -1 when it
// waits on none.
func Current(stays []Stay) (int, time.Time) {
	if n := len(stays); n > 0 && stays[n-1].Open() {
		return stays[n-1].Team, stays[n-1].From
	}
	return -1, time.Time{}
}

// Waited returns how long the ticket waited on each team (by index) over its stays, as of now
// for a stay that lasts.
func (ts *Teams) Waited(stays []Stay, now time.Time) []time.Duration {
	out := make([]time.Duration, len(ts.ids))
	for _, s := range stays {
		out[s.Team] += s.Duration(now)
	}
	return out
}

// Cycle is one cycle of a team's OLA on a ticket.
type Cycle struct {
	Team  int
	Cycle ticket.Cycle
}

// OLA returns the OLA cycles of the ticket's stays, oldest first, as observed at now: for each
// team with a target for the ticket's priority, a cycle from the start of each stay with the
// team to its end, carried on through stays with teams that pause it (paused while they last)
// and resumed by the next stay with the team; any other stay, or the resolution, ends it.
func (ts *Teams) OLA(t *ticket.Ticket, stays []Stay, now time.Time) []Cycle {
	var out []Cycle
	for ti, o := range ts.olas {
		if o == nil {
			continue
		}
		goal, ok := o.targets[t.Priority]
		if !ok || goal <= 0 {
			continue
		}
		for k := 0; k < len(stays); k++ {
			if stays[k].Team != ti {
				continue
			}
			// The run: this stay, and the stays right after it that are the team's own or
			// pause it. The stays of pausing teams are the cycle's pauses.
			s := sla.Span{From: stays[k].From}
			var pauses []sla.Span
			j := k + 1
			for ; j < len(stays) && stays[j].From.Equal(stays[j-1].To); j++ {
				if st := stays[j].Team; st != ti && !o.pausedBy[st] {
					break
				}
				if stays[j].Team != ti {
					pauses = append(pauses, sla.Span{From: stays[j].From, To: stays[j].To})
				}
			}
			// It runs while the run's last stay lasts (paused when that is a pause), else it
			// stopped when that stay ended: handed to another team, or resolved.
			s.To = stays[j-1].To
			out = append(out, Cycle{Team: ti, Cycle: sla.CycleAt(o.cal, s, pauses, goal, now)})
			k = j - 1
		}
	}
	slices.SortStableFunc(out, func(a, b Cycle) int { return a.Cycle.Start.Compare(b.Cycle.Start) })
	return out
}

// Status says what an OLA cycle of team i is at now: sla.StatusAt on the OLA's calendar with
// its at-risk threshold, the one meaning of a clock.
func (ts *Teams) Status(i int, c ticket.Cycle, now time.Time) sla.Status {
	o := ts.olas[i]
	return sla.StatusAt(c, now, o.atRisk, o.cal)
}

// NextChange is the instant after now at which Status may next say another state for the cycle:
// sla.NextChange on the same calendar and threshold.
func (ts *Teams) NextChange(i int, c ticket.Cycle, now time.Time) time.Time {
	o := ts.olas[i]
	return sla.NextChange(c, now, o.atRisk, o.cal)
}

// Calendar returns the calendar team i's OLA counts on (nil without an OLA).
func (ts *Teams) Calendar(i int) *sla.Calendar {
	if o := ts.olas[i]; o != nil {
		return o.cal
	}
	return nil
}

// Order sorts tickets waiting on a team oldest wait first: by the start of their current stay,
// then by key.
func Order(a, b Waiting) int {
	if c := a.Since.Compare(b.Since); c != 0 {
		return c
	}
	return cmp.Compare(a.Ticket.ID(), b.Ticket.ID())
}

// Waiting is a ticket waiting on a team now, since the start of its current stay.
type Waiting struct {
	Ticket *ticket.Ticket
	Team   int
	Since  time.Time
}
