package sim

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// eventKind is what happens to a ticket at an instant of its plan.
type eventKind uint8

const (
	evCreate   eventKind = iota // raised: state new, clocks start
	evReply                     // first public agent reply: in_progress, first_response stops
	evState                     // a move between open states (waits pause or not)
	evEscalate                  // label "escalated" added
	evResolve                   // resolved: resolution cycle stops
	evReopen                    // customer reopens: new resolution cycle
	evCSAT                      // satisfaction answer
	evClose                     // closed for good
)

// event is one step of a ticket's plan.
type event struct {
	at    time.Time
	kind  eventKind
	state ticket.State // for evState
	csat  ticket.CSAT  // for evCSAT
}

// plan is a ticket's whole life, decided when it arrives. The ticket at an instant is the plan
// replayed up to that instant (see materialize.go).
type plan struct {
	number   int64
	cust     *profile
	created  time.Time
	priority ticket.Priority
	quality  []string
	channel  ticket.Channel
	incident bool
	summary  string
	label    string
	topic    *topic // what the request is about: its label, request type and ticket form
	frGoal   time.Duration
	resGoal  time.Duration
	events   []event   // sorted by at; the first is evCreate
	dropAt   time.Time // when the ticket leaves the desk's scope; zero if never
	// handoffs are when the ticket went to Engineering (true) and back to support (false),
	// oldest first (handoffs.go).
	handoffs []handoff
}

// Draw probabilities. Incidents and escalations lean to the urgent end.
var (
	incidentChance = map[ticket.Priority]float64{ticket.P1: 0.5, ticket.P2: 0.12, ticket.P3: 0.025, ticket.P4: 0.01}
	escalateChance = map[ticket.Priority]float64{ticket.P1: 0.25, ticket.P2: 0.08, ticket.P3: 0.03, ticket.P4: 0.01}
)

const (
	unknownPriorityChance = 0.008
	reopenChance          = 0.05
	csatChance            = 0.30
	csatGoodMet           = 0.93 // good answers when every clock was met
	csatGoodBreached      = 0.55 // ... and when one breached
	stuckChance           = 0.02 // tickets left waiting on the customer for days
	dropChance            = 0.004
)

// drawPriority draws p1 3%, p2 15%, p3 55%, p4 27%.
func drawPriority(r *rand.Rand) ticket.Priority {
	switch u := r.Float64(); {
	case u < 0.03:
		return ticket.P1
	case u < 0.18:
		return ticket.P2
	case u < 0.73:
		return ticket.P3
	default:
		return ticket.P4
	}
}

func drawChannel(r *rand.Rand, p *profile) ticket.Channel {
	if chance(r, p.agentShare) {
		return ticket.ChannelAgent
	}
	total := 0.0
	for _, c := range p.channels {
		total += c.weight
	}
	u := r.Float64() * total
	for _, c := range p.channels {
		if u < c.weight {
			return c.channel
		}
		u -= c.weight
	}
	return p.channels[0].channel
}

func minutes(f float64) time.Duration { return time.Duration(f * float64(time.Minute)) }

func scale(d time.Duration, f float64) time.Duration { return time.Duration(float64(d) * f) }

// newPlan draws the life of a ticket the customer raises at created. slowness scales the agents'
// times (the customer's habit times the day's); healthy makes the agents answer at once and keeps
// the ticket clear of incidents, escalations and long waits, for the breach-soon scenario.
func newPlan(r *rand.Rand, p *profile, number int64, created time.Time, slowness float64, healthy bool) *plan {
	pl := &plan{number: number, cust: p, created: created, priority: drawPriority(r), channel: drawChannel(r, p)}
	if chance(r, unknownPriorityChance) {
		// The desk sent a priority nobody mapped: normalized to the default, flagged.
		pl.priority = ticket.P3
		pl.quality = []string{ticket.QualityUnknownPriority}
	}
	pl.incident = !healthy && chance(r, incidentChance[pl.priority])
	tp := topics[r.IntN(len(topics))]
	pl.label, pl.summary, pl.topic = tp.label, tp.summaries[r.IntN(len(tp.summaries))], &tp
	if pl.incident {
		pl.summary = incidentSummaries[r.IntN(len(incidentSummaries))]
	}
	pl.frGoal, pl.resGoal = goals(p.Tier, pl.priority)

	// Working time to first reply and to resolution, as fractions of the goals: most well inside,
	// a slow tail past them (about one in ten at the reference slowness).
	var fr, work time.Duration
	if healthy {
		fr = max(30*time.Second, scale(pl.frGoal, uniform(r, 0.01, 0.1)))
		work = scale(pl.resGoal, uniform(r, 0.15, 0.45))
	} else {
		fr = max(time.Minute, scale(pl.frGoal, lognormal(r, 0.4*slowness, 0.65)))
		work = scale(pl.resGoal, lognormal(r, 0.4*slowness, 0.7))
	}
	work = max(work, fr+10*time.Minute)

	ev := []event{{at: created, kind: evCreate}}
	t := created.Add(fr)
	ev = append(ev, event{at: t, kind: evReply})
	t = planWork(r, &ev, t, work-fr, !healthy && chance(r, stuckChance))
	ev = append(ev, event{at: t, kind: evResolve})
	resolved := t
	breached := fr > pl.frGoal || work > pl.resGoal

	if chance(r, reopenChance) {
		t = resolved.Add(minutes(uniform(r, 60, 40*60)))
		ev = append(ev, event{at: t, kind: evReopen})
		var again time.Duration
		if healthy {
			again = scale(pl.resGoal, uniform(r, 0.1, 0.4))
		} else {
			again = scale(pl.resGoal, lognormal(r, 0.3*slowness, 0.6))
		}
		t = t.Add(again)
		ev = append(ev, event{at: t, kind: evResolve})
		resolved = t
		breached = breached || again > pl.resGoal
	}
	if chance(r, csatChance) {
		good := csatGoodMet
		if breached {
			good = csatGoodBreached
		}
		answer := ticket.CSATBad
		if chance(r, good) {
			answer = ticket.CSATGood
		}
		ev = append(ev, event{at: resolved.Add(minutes(uniform(r, 20, 20*60))), kind: evCSAT, csat: answer})
	}
	ev = append(ev, event{at: resolved.Add(minutes(uniform(r, 48*60, 96*60))), kind: evClose})

	firstResolve := ev[len(ev)-1].at
	for _, e := range ev {
		if e.kind == evResolve {
			firstResolve = e.at
			break
		}
	}
	if !healthy && chance(r, escalateChance[pl.priority]) {
		at := created.Add(scale(firstResolve.Sub(created), uniform(r, 0.1, 0.9)))
		ev = append(ev, event{at: at, kind: evEscalate})
	}
	if chance(r, dropChance) {
		// Moved to another project or organization while open: gone from this desk's scope.
		pl.dropAt = created.Add(scale(firstResolve.Sub(created), uniform(r, 0.05, 0.5)))
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].at.Before(ev[j].at) })
	if !pl.dropAt.IsZero() {
		n := sort.Search(len(ev), func(i int) bool { return !ev[i].at.Before(pl.dropAt) })
		ev = ev[:n]
	}
	pl.events = ev
	pl.handoffs = planHandoffs(pl, ev, healthy)
	return pl
}

// planWork lays out remaining working time after the first reply: in-progress stretches with waits
// between them. Waiting on the customer pauses the resolution clock and takes wall time only;
// waiting on a partner uses working time. A stuck ticket waits on the customer for days. It returns
// the instant the work is done.
func planWork(r *rand.Rand, ev *[]event, t time.Time, work time.Duration, stuck bool) time.Time {
	var waits []ticket.State
	switch u := r.Float64(); {
	case u < 0.35:
		waits = append(waits, ticket.StateWaitingCustomer)
	case u < 0.5:
		waits = append(waits, ticket.StateWaitingCustomer, ticket.StateWaitingCustomer)
	}
	partner := time.Duration(0)
	if chance(r, 0.12) {
		partner = scale(work, uniform(r, 0.2, 0.5))
		waits = append(waits, ticket.StateWaitingPartner)
		r.Shuffle(len(waits), func(i, j int) { waits[i], waits[j] = waits[j], waits[i] })
	}
	if stuck && len(waits) == 0 {
		waits = append(waits, ticket.StateWaitingCustomer)
	}
	// Cut the in-progress work into len(waits)+1 stretches at random points.
	inProgress := work - partner
	cuts := make([]float64, len(waits))
	for i := range cuts {
		cuts[i] = r.Float64()
	}
	sort.Float64s(cuts)
	prev := 0.0
	for i, w := range waits {
		t = t.Add(scale(inProgress, cuts[i]-prev))
		prev = cuts[i]
		*ev = append(*ev, event{at: t, kind: evState, state: w})
		switch {
		case w == ticket.StateWaitingPartner:
			t = t.Add(partner)
		case stuck:
			t = t.Add(minutes(uniform(r, 4*24*60, 20*24*60)))
			stuck = false
		default:
			t = t.Add(min(5*24*time.Hour, max(10*time.Minute, minutes(lognormal(r, 5*60, 0.9)))))
		}
		*ev = append(*ev, event{at: t, kind: evState, state: ticket.StateInProgress})
	}
	return t.Add(scale(inProgress, 1-prev))
}
