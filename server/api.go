package server

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

type api struct {
	view  func() *poller.View
	pages *template.Template
}

// CustomerView is one customer in /api/v1/customers. It leaves out internal people (the CSM), so
// the same data can be shown to the customer.
type CustomerView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Tier       string     `json:"tier"`
	Risk       float64    `json:"risk_score"`
	Open       int        `json:"open_tickets"`
	Breached   int        `json:"sla_breached_open_tickets"`
	AtRisk     int        `json:"sla_at_risk_open_tickets"`
	NextBreach *time.Time `json:"sla_next_breach,omitempty"`
	Tickets    string     `json:"tickets_url"`
	// Sources are the sources holding the customer's tickets; DataFresh is false while any of
	// them (every source while it holds none) is down, stale or not yet polled.
	Sources   []string `json:"sources"`
	DataFresh bool     `json:"data_fresh"`
}

// TicketView is one ticket in /api/v1/customers/{id}/tickets.
type TicketView struct {
	Key        string      `json:"key"`
	Source     string      `json:"source"`
	Summary    string      `json:"summary"`
	URL        string      `json:"url"`
	Priority   string      `json:"priority"`
	State      string      `json:"state"`
	Status     string      `json:"status"`
	Channel    string      `json:"channel"`
	Created    time.Time   `json:"created"`
	AgeSeconds float64     `json:"age_seconds"`
	Escalated  bool        `json:"escalated"`
	Incident   bool        `json:"incident"`
	Reopened   int         `json:"reopened"`
	CSAT       string      `json:"csat,omitempty"`
	Breached   bool        `json:"sla_breached"`
	AtRisk     bool        `json:"sla_at_risk"`
	NextBreach *time.Time  `json:"sla_next_breach,omitempty"`
	Clocks     []ClockView `json:"sla_clocks"`
	// WaitingOn is the team of the config the ticket waits on now (its id and name), since
	// WaitingSince (WaitedSeconds ago); OLA is that team's running OLA clock. Absent without
	// teams or when no team's rules match.
	WaitingOn     string     `json:"waiting_on,omitempty"`
	WaitingOnName string     `json:"waiting_on_name,omitempty"`
	WaitingSince  *time.Time `json:"waiting_since,omitempty"`
	WaitedSeconds float64    `json:"waited_seconds,omitempty"`
	OLA           *ClockView `json:"ola,omitempty"`
}

// ClockView is a ticket's SLA clock at the request instant.
type ClockView struct {
	Name             string     `json:"name"`
	Status           string     `json:"status"` // running | paused | at_risk | breached | met | stopped
	GoalSeconds      float64    `json:"goal_seconds"`
	RemainingSeconds *float64   `json:"remaining_seconds,omitempty"`
	BreachAt         *time.Time `json:"breach_at,omitempty"`
}

// TicketList is the answer of /api/v1/customers/{id}/tickets.
type TicketList struct {
	Status   string       `json:"status"`
	Customer CustomerView `json:"customer"`
	At       time.Time    `json:"at"`
	// Sources are the freshness of the sources serving the customer (CustomerView.Sources).
	Sources []SourceView `json:"sources"`
	Filter  Filter       `json:"filter"`
	// Teams are the customer's teams with the tickets waiting on each now (config order).
	Teams   []TeamView   `json:"teams"`
	Tickets []TicketView `json:"tickets"`
}

// CustomerList is the answer of /api/v1/customers.
type CustomerList struct {
	Status string `json:"status"`
	// At is the instant the numbers are computed at; Sources say when each source's data was
	// last fetched.
	At        time.Time      `json:"at"`
	Sources   []SourceView   `json:"sources"`
	Customers []CustomerView `json:"customers"`
	// Owner is the owner filter (?owner=): only that owner's customers are listed; Owners are
	// every owner, for the page's filter links.
	Owner  string   `json:"owner,omitempty"`
	Owners []string `json:"-"`
}

// Filter selects tickets. The zero value selects open tickets.
type Filter struct {
	State     string `json:"state"`              // open (default) | all | one state
	Priority  string `json:"priority,omitempty"` // p1..p4
	Breached  *bool  `json:"breached,omitempty"`
	AtRisk    *bool  `json:"at_risk,omitempty"`
	Escalated *bool  `json:"escalated,omitempty"`
	// WaitingOn keeps the open tickets waiting on this team now, oldest wait first.
	WaitingOn string `json:"waiting_on,omitempty"`
}

// ParseFilter reads a filter from query parameters; an unknown parameter or value is an error
// that names it, so a typo never silently widens the list.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{State: "open"}
	for key, vals := range q {
		if len(vals) != 1 {
			return f, fmt.Errorf("parameter %q given %d times", key, len(vals))
		}
		v := vals[0]
		switch key {
		case "state":
			if v != "open" && v != "all" && !ticket.State(v).Valid() {
				return f, fmt.Errorf("state %q: want open, all or one of %v", v, ticket.States)
			}
			f.State = v
		case "priority":
			if !ticket.Priority(v).Valid() {
				return f, fmt.Errorf("priority %q: want one of %v", v, ticket.Priorities)
			}
			f.Priority = v
		case "waiting_on":
			if strings.TrimSpace(v) == "" {
				return f, fmt.Errorf("waiting_on: want a team id")
			}
			f.WaitingOn = v
		case "breached", "at_risk", "escalated":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return f, fmt.Errorf("%s %q: want true or false", key, v)
			}
			switch key {
			case "breached":
				f.Breached = &b
			case "at_risk":
				f.AtRisk = &b
			default:
				f.Escalated = &b
			}
		default:
			return f, fmt.Errorf("unknown parameter %q (known: state, priority, breached, at_risk, escalated, waiting_on)", key)
		}
	}
	return f, nil
}

func (f Filter) keep(v TicketView) bool {
	switch f.State {
	case "all":
	case "open":
		if !ticket.State(v.State).Open() {
			return false
		}
	default:
		if v.State != f.State {
			return false
		}
	}
	if f.Priority != "" && v.Priority != f.Priority {
		return false
	}
	if f.Breached != nil && v.Breached != *f.Breached {
		return false
	}
	if f.AtRisk != nil && v.AtRisk != *f.AtRisk {
		return false
	}
	if f.Escalated != nil && v.Escalated != *f.Escalated {
		return false
	}
	if f.WaitingOn != "" && v.WaitingOn != f.WaitingOn {
		return false
	}
	return true
}

func (a *api) customers(w http.ResponseWriter, r *http.Request) {
	owner, err := ownerParam(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, a.customerList(owner))
}

// ownerParam reads the customer list's only parameter, owner.
func ownerParam(q url.Values) (string, error) {
	for key, vals := range q {
		if key != "owner" || len(vals) != 1 {
			return "", fmt.Errorf("unknown parameter %q (known: owner, once)", key)
		}
	}
	return q.Get("owner"), nil
}

// customerList is every customer (of owner, when set), ranked by risk, with the freshness of
// every source: one view, its instant, and its wall clock for the data's age.
func (a *api) customerList(owner string) CustomerList {
	v := a.view()
	list := CustomerList{Status: "success", Sources: []SourceView{}, Customers: []CustomerView{}, Owner: owner, Owners: owners(v)}
	if v == nil {
		return list
	}
	list.At = v.At()
	list.Sources = freshness(v, nil)
	snap := v.Snapshot
	for i := range snap.Customers {
		if !ownerOK(owner, snap.Customers[i].Owner) {
			continue
		}
		cv := customerView(&snap.Customers[i])
		cv.DataFresh = allFresh(sourcesOf(list.Sources, servingSources(v, cv.Sources)))
		list.Customers = append(list.Customers, cv)
	}
	sort.SliceStable(list.Customers, func(i, j int) bool { return list.Customers[i].Risk > list.Customers[j].Risk })
	return list
}

// sourcesOf keeps the entries of ss named in names.
func sourcesOf(ss []SourceView, names []string) []SourceView {
	out := []SourceView{}
	for _, s := range ss {
		if slices.Contains(names, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

func customerView(c *snapshot.Customer) CustomerView {
	v := CustomerView{ID: c.ID, Name: c.Name, Tier: c.Tier, Risk: c.Risk, Tickets: "/customers/" + url.PathEscape(c.ID) + "/tickets",
		Sources: append([]string{}, c.Sources...)}
	for pi := range c.Open {
		for _, n := range c.Open[pi] {
			v.Open += int(n)
		}
	}
	for _, s := range c.SLAs {
		for pi := range s.Breached {
			v.Breached += int(s.Breached[pi])
			v.AtRisk += int(s.AtRisk[pi])
		}
		if !s.NextBreach.IsZero() && (v.NextBreach == nil || s.NextBreach.Before(*v.NextBreach)) {
			t := s.NextBreach
			v.NextBreach = &t
		}
	}
	return v
}

// customerTickets resolves the customer and its filtered tickets; it writes the error answer
// itself and returns ok=false when there is none to give.
func (a *api) customerTickets(w http.ResponseWriter, r *http.Request) (TicketList, bool) {
	v := a.view()
	id := r.PathValue("id")
	var cust *snapshot.Customer
	if v != nil {
		cust, _ = v.Customer(id)
	}
	if cust == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown customer %q", id))
		return TicketList{}, false
	}
	f, err := ParseFilter(r.URL.Query())
	if err == nil && f.WaitingOn != "" {
		err = parseWaiting(v, f.WaitingOn)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return TicketList{}, false
	}
	// One instant for the list and the numbers: the view's, never the request's.
	now := v.At()
	policy := v.Config.Policy(id)
	cals := v.Calendars()
	list := TicketList{Status: "success", Customer: customerView(cust), At: now, Filter: f, Teams: teamViews(cust), Tickets: []TicketView{}}
	for _, t := range v.TicketsOf(id) {
		tv := ticketView(t, now, &policy, cals)
		waiting(&tv, t, v.Teams(), now)
		if f.keep(tv) {
			list.Tickets = append(list.Tickets, tv)
		}
	}
	if f.WaitingOn != "" {
		sortWaiting(list.Tickets)
	} else {
		sortTickets(list.Tickets)
	}
	list.Sources = freshness(v, servingSources(v, cust.Sources))
	list.Customer.DataFresh = allFresh(list.Sources)
	return list, true
}

func (a *api) tickets(w http.ResponseWriter, r *http.Request) {
	if list, ok := a.customerTickets(w, r); ok {
		writeJSON(w, http.StatusOK, list)
	}
}

// sortTickets puts what needs attention first: breached, then at risk, then by nearest breach,
// then by priority and age.
func sortTickets(ts []TicketView) {
	slices.SortStableFunc(ts, func(x, y TicketView) int {
		if x.Breached != y.Breached {
			return boolFirst(x.Breached)
		}
		if x.AtRisk != y.AtRisk {
			return boolFirst(x.AtRisk)
		}
		switch {
		case x.NextBreach != nil && y.NextBreach != nil && !x.NextBreach.Equal(*y.NextBreach):
			return x.NextBreach.Compare(*y.NextBreach)
		case (x.NextBreach == nil) != (y.NextBreach == nil):
			return boolFirst(x.NextBreach != nil)
		}
		if x.Priority != y.Priority {
			if x.Priority < y.Priority {
				return -1
			}
			return 1
		}
		return x.Created.Compare(y.Created)
	})
}

func boolFirst(b bool) int {
	if b {
		return -1
	}
	return 1
}

// ticketView shows a ticket at now; each clock's latest cycle is judged by sla.StatusAt under the
// customer's policy, on the calendar cals say it counts on.
func ticketView(t *ticket.Ticket, now time.Time, policy *config.Policy, cals *sla.Calendars) TicketView {
	v := TicketView{
		Key: t.Key, Source: t.Source, Summary: t.Summary, URL: t.URL,
		Priority: string(t.Priority), State: string(t.State), Status: t.Status, Channel: string(t.Channel),
		Created: t.Created, AgeSeconds: now.Sub(t.Created).Seconds(),
		Escalated: t.Escalated, Incident: t.Incident, Reopened: t.Reopened, CSAT: string(t.CSAT),
		Clocks: []ClockView{},
	}
	for ki := range t.Clocks {
		c := &t.Clocks[ki]
		if len(c.Cycles) == 0 {
			continue
		}
		cy := c.Cycles[len(c.Cycles)-1]
		st := sla.StatusAt(cy, now, policy.AtRisk, cals.For(t, c, policy))
		cv := ClockView{Name: c.Name, Status: string(st.State), GoalSeconds: cy.Goal.Seconds()}
		if !st.BreachAt.IsZero() {
			at := st.BreachAt
			cv.BreachAt = &at
		}
		switch {
		case st.Completed:
		case !t.Open():
			cv.Status = "stopped" // left running by the source on a resolved ticket: a threat to no one
		default:
			rem := st.Remaining.Seconds()
			cv.RemainingSeconds = &rem
			v.Breached = v.Breached || st.State == sla.StateBreached
			v.AtRisk = v.AtRisk || st.State == sla.StateAtRisk
			if st.Counting() && st.BreachAt.After(now) && (v.NextBreach == nil || st.BreachAt.Before(*v.NextBreach)) {
				at := st.BreachAt
				v.NextBreach = &at
			}
		}
		v.Clocks = append(v.Clocks, cv)
	}
	return v
}
