package snapshot

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/team"
	"github.com/custops/custops/collector/ticket"
)

// Input is everything Compute reads.
type Input struct {
	// Tickets are the stored tickets of every source, read only. Tickets of a source that is not
	// configured (any more) are skipped.
	Tickets []*ticket.Ticket
	// Now is the snapshot instant: windows end at it, ages and breaches are measured against it.
	Now time.Time
	// Config supplies sources, customers, their policies, official channels and risk weights.
	// Nil yields an empty snapshot at Now.
	Config *config.Config
	// CustomerOf returns the ticket's customer id, or "" when no rule matches (collector/match
	// provides it). It is asked at snapshot time, so a ticket that moved counts only where it is
	// now. A nil CustomerOf leaves every ticket unmapped.
	CustomerOf func(*ticket.Ticket) string
	// Calendars are Config's calendars (sla.NewCalendars), which say what calendar each SLA clock
	// counts its time left on. Nil builds them from Config, which reads the time zone database.
	Calendars *sla.Calendars
	// Teams are Config's teams (team.New), which say where each ticket waits. Nil builds them
	// from Config.
	Teams *team.Teams

	// names are Config's customers' folded names (customerNames); nil folds them from Config.
	names map[string][]string
}

// Compute returns the aggregates at in.Now. Pure: no clock, no I/O; never mutates tickets.
//
// Only tickets of a configured source count. Every configured customer appears, sorted by ID,
// even with no tickets. Data-quality counts cover every stored ticket of a source, open or not:
// a ticket whose customer is "" or not configured counts under unmapped_customer and nowhere
// else; the other checks come from the ticket's own Quality flags. A reopened ticket counts as
// created once (Created), resolved by its latest Resolved and reopened by ReopenedAt.
//
// It walks the tickets once, into per-customer accumulators found by index, so its cost is
// linear in tickets and it allocates per customer, never per ticket.
func Compute(in Input) *Snapshot {
	s := &Snapshot{At: in.Now}
	if in.Config == nil {
		return s
	}
	b := newBuilder(in, in.Config.Customers)
	for _, t := range in.Tickets {
		b.add(t)
	}
	b.finish(s)
	return s
}

// builder holds the accumulators of one Compute call.
type builder struct {
	now          time.Time
	win          windows
	summaryStart int64 // nanos of the start of the summaries' 30d window
	customerOf   func(*ticket.Ticket) string
	weights      map[string]float64
	calendars    *sla.Calendars // which calendar each clock counts its time left on

	sources []string        // configured source names, sorted; a scan beats hashing for a few
	quality []qualityCounts // by index in sources
	// deskOwners says, by index in sources, which sources read an owner from the desk
	// (owner_field): only their tickets' organizations are read for one, so a customer
	// aggregated again does not touch every ticket's organizations for nothing.
	deskOwners []bool

	index     map[string]int // customer id -> index into customers and accs
	customers []Customer
	accs      []customerAcc

	official   [numChannels]bool // by channelIndex
	categories *categories       // nil when no source has category_from
	teams      *teamAccs         // nil without teams
	records    *recordsAcc
	response   samples // first response durations, per customer
	resolution samples // resolution durations, per customer
}

// customerAcc is what one customer needs beyond its Customer fields while tickets stream by.
type customerAcc struct {
	policy     config.Policy
	trends     []trendAcc // catalog.Windows order
	open       float64    // open tickets
	openOver7d float64    // open tickets at least 7 days old, for the ageing risk factor
	// owner is the owner read from the desk so far, from the ticket updated at ownerAt (ownerKey
	// breaks ties): used when the config sets none.
	owner, ownerKey string
	ownerAt         int64
	// next is the earliest instant (nanos) after now at which the passing of time alone changes
	// the customer's aggregates: a clock turning at risk or breached, an instant entering or
	// leaving a window, an open ticket reaching an age bucket's edge. noChange when none.
	next   int64
	served []bool // by index in builder.sources: the source holds a ticket of the customer
}

// noChange is customerAcc.next when time alone changes nothing.
const noChange = math.MaxInt64

// soon records x (nanos) as an instant at which the customer's aggregates change.
func (a *customerAcc) soon(x int64) { a.next = min(a.next, x) }

// newBuilder prepares the accumulators of customers, which are the configuration's (Compute) or
// some of them (Incremental).
func newBuilder(in Input, customers []config.Customer) *builder {
	cfg := in.Config
	b := &builder{
		now:          in.Now,
		win:          newWindows(in.Now),
		summaryStart: nanos(in.Now.Add(-summaryWindow)),
		customerOf:   in.CustomerOf,
		weights:      cfg.Risk.Weights,
		index:        make(map[string]int, len(customers)),
	}
	b.calendars = in.Calendars
	if b.calendars == nil {
		b.calendars = calendarsOf(cfg)
	}
	b.initQuality(cfg.Sources)
	b.deskOwners = make([]bool, len(b.sources))
	for _, s := range cfg.Sources {
		if s.OwnerField != "" {
			b.deskOwners[slices.Index(b.sources, s.Name)] = true
		}
	}
	if in.Teams == nil {
		in.Teams = team.New(cfg, b.calendars)
	}
	b.teams = newTeamAccs(in.Teams, b.win)
	b.records = newRecordsAcc(cfg, in.names)

	b.customers = make([]Customer, len(customers))
	for i, c := range customers {
		b.customers[i] = Customer{ID: c.ID, Name: c.Name, Tier: c.Tier, CSM: c.CSM, Owner: c.Owner}
	}
	slices.SortStableFunc(b.customers, func(x, y Customer) int { return cmp.Compare(x.ID, y.ID) })
	b.accs = make([]customerAcc, len(b.customers))
	trends := make([]trendAcc, len(b.customers)*len(catalog.Windows)) // one allocation for all customers
	served := make([]bool, len(b.customers)*len(b.sources))
	for i := range b.customers {
		c := &b.customers[i]
		b.index[c.ID] = i
		a := &b.accs[i]
		a.policy = cfg.Policy(c.ID)
		a.trends = trends[i*len(catalog.Windows) : (i+1)*len(catalog.Windows) : (i+1)*len(catalog.Windows)]
		a.next = noChange
		a.served = served[i*len(b.sources) : (i+1)*len(b.sources) : (i+1)*len(b.sources)]
		c.SLAs = newSLAs(a.policy)
		b.teams.initCustomer(c)
	}
	for _, ch := range cfg.OfficialChannels {
		b.official[channelIndex(ch)] = true
	}
	b.categories = newCategories(cfg, len(b.customers))
	return b
}

// calendarsOf builds cfg's calendars. Only a configuration config.Load rejects fails: its clocks
// count in wall time.
func calendarsOf(cfg *config.Config) *sla.Calendars {
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		cals, _ = sla.NewCalendars(nil)
	}
	return cals
}

// add folds one ticket into the accumulators and returns the index of its customer, -1 when
// it counts for none.
func (b *builder) add(t *ticket.Ticket) int {
	src := slices.Index(b.sources, t.Source)
	if src < 0 {
		return -1
	}
	q := &b.quality[src]
	q.count(t, 1)
	ci := b.customerIndex(t)
	if ci < 0 {
		q[checkUnmapped]++
		b.records.add(t, "", b.configured, 1)
		return -1
	}
	b.records.add(t, b.customers[ci].ID, b.configured, 1)
	b.addTo(ci, t)
	return ci
}

// configured returns the id of t's customer among the builder's, or "".
func (b *builder) configured(t *ticket.Ticket) string {
	if ci := b.customerIndex(t); ci >= 0 {
		return b.customers[ci].ID
	}
	return ""
}

// customerIndex is the index of t's customer among the builder's, or -1 when t maps to none of
// them.
func (b *builder) customerIndex(t *ticket.Ticket) int {
	if b.customerOf != nil {
		if id := b.customerOf(t); id != "" {
			if i, ok := b.index[id]; ok {
				return i
			}
		}
	}
	return -1
}

// addTo folds a ticket of a configured source into the aggregates of customer ci.
func (b *builder) addTo(ci int, t *ticket.Ticket) {
	c, a := &b.customers[ci], &b.accs[ci]
	src := slices.Index(b.sources, t.Source)
	if src >= 0 {
		a.served[src] = true
	}
	p := priorityIndex(t.Priority)
	open := t.Open()
	if open {
		b.addBacklog(c, a, t, p)
	}
	b.addClocks(c, a, t, p, open)
	b.addTrends(a, t)
	b.categories.add(b, ci, t, nanos(t.Created))
	b.addDurations(ci, t)
	b.addTeams(ci, t, open)
	if c.Owner == "" && src >= 0 && b.deskOwners[src] { // the config sets none; the desk may
		a.noteOwner(t)
	}
}

// noteOwner keeps the desk's owner of the customer from the organizations of its most recently
// updated ticket that names one.
func (a *customerAcc) noteOwner(t *ticket.Ticket) {
	for _, o := range t.Attributes.Organizations {
		h := config.OwnerHandle(o.Owner)
		if h == "" {
			continue
		}
		at, key := nanos(t.Updated), t.ID()
		if a.owner == "" || at > a.ownerAt || (at == a.ownerAt && key > a.ownerKey) {
			a.owner, a.ownerAt, a.ownerKey = h, at, key
		}
		return
	}
}

// finish turns the accumulators into the snapshot.
func (b *builder) finish(s *Snapshot) {
	b.finishTeams()
	response := b.response.group(len(b.customers))
	resolution := b.resolution.group(len(b.customers))
	for i := range b.customers {
		c, a := &b.customers[i], &b.accs[i]
		slices.SortFunc(c.SLAs, func(x, y SLA) int { return cmp.Compare(x.Name, y.Name) })
		c.Trends = a.trendsOut()
		c.ResponseTime = summarize(response[i])
		c.ResolutionTime = summarize(resolution[i])
		c.Risk, c.RiskFactors = riskOf(c, a).score(b.weights)
		b.categories.finish(i, c)
		for si, ok := range a.served {
			if ok {
				c.Sources = append(c.Sources, b.sources[si])
			}
		}
		if a.owner != "" {
			c.Owner = a.owner // the config sets none: the desk's
		}
	}
	s.Customers = b.customers
	s.DataQuality = b.dataQuality()
	s.Records = b.records.finish(b.customers)
}

// priorityIndex is PriorityIndex with invalid priorities counted as p3, the default
// default_priority: stored tickets always carry p1..p4, and a ticket is never dropped.
func priorityIndex(p ticket.Priority) int {
	if i := PriorityIndex(p); i >= 0 {
		return i
	}
	return 2
}
