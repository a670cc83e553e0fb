package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/team"
	"github.com/custops/custops/collector/ticket"
)

// Where a ticket waits (the config's teams), whose customers they are (owners), and the records
// page. The pages are internal: they name owners and teams.

// TeamView is one team of the config with the customer's tickets waiting on it now.
type TeamView struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Open    int        `json:"open_tickets"`
	Oldest  *time.Time `json:"oldest_wait_since,omitempty"`
	Tickets string     `json:"tickets_url"`
}

// waiting fills a ticket view's team fields: the team the ticket waits on now, since when, and
// that team's running OLA cycle as a clock (sla.StatusAt on the OLA's calendar).
func waiting(v *TicketView, t *ticket.Ticket, ts *team.Teams, now time.Time) {
	if ts == nil || ts.Len() == 0 {
		return
	}
	stays := ts.Stays(t)
	i, since := team.Current(stays)
	if i < 0 {
		return
	}
	v.WaitingOn, v.WaitingOnName = ts.ID(i), ts.Name(i)
	v.WaitingSince = &since
	v.WaitedSeconds = now.Sub(since).Seconds()
	for _, cy := range ts.OLA(t, stays, now) {
		if cy.Team != i || !cy.Cycle.Running() {
			continue
		}
		st := ts.Status(i, cy.Cycle, now)
		cv := ClockView{Name: "ola_" + ts.ID(i), Status: string(st.State), GoalSeconds: cy.Cycle.Goal.Seconds()}
		rem := st.Remaining.Seconds()
		cv.RemainingSeconds = &rem
		if !st.BreachAt.IsZero() {
			at := st.BreachAt
			cv.BreachAt = &at
		}
		v.OLA = &cv
	}
}

// teamViews are the customer's teams with their waiting counts, in config order.
func teamViews(c *snapshot.Customer) []TeamView {
	out := []TeamView{}
	for _, t := range c.Teams {
		tv := TeamView{ID: t.ID, Name: t.Name, Open: int(t.Open),
			Tickets: "/customers/" + url.PathEscape(c.ID) + "/tickets?waiting_on=" + url.QueryEscape(t.ID)}
		if !t.OldestSince.IsZero() {
			at := t.OldestSince
			tv.Oldest = &at
		}
		out = append(out, tv)
	}
	return out
}

// sortWaiting orders a team's list oldest wait first, then by key.
func sortWaiting(ts []TicketView) {
	slices.SortStableFunc(ts, func(x, y TicketView) int {
		if c := x.WaitingSince.Compare(*y.WaitingSince); c != 0 {
			return c
		}
		return strings.Compare(x.Key, y.Key)
	})
}

// ownerOK reports whether a customer is among the owner filter's ("" keeps every customer).
func ownerOK(filter, owner string) bool { return filter == "" || filter == owner }

// owners lists the owners of the snapshot's customers, sorted.
func owners(v *poller.View) []string {
	var out []string
	if v == nil {
		return out
	}
	for _, c := range v.Snapshot.Customers {
		if c.Owner != "" && !slices.Contains(out, c.Owner) {
			out = append(out, c.Owner)
		}
	}
	slices.Sort(out)
	return out
}

// RecordsView is /api/v1/records and the Records page: what keeps the customer records from
// being true, as the snapshot lists it.
type RecordsView struct {
	Status  string            `json:"status"`
	At      time.Time         `json:"at"`
	Sources []SourceView      `json:"sources"`
	Records snapshot.Records  `json:"records"`
	Names   map[string]string `json:"customer_names"`
	Counts  map[string]int    `json:"counts"`
}

func (a *api) recordsView() RecordsView {
	v := a.view()
	out := RecordsView{Status: "success", Sources: []SourceView{}, Names: map[string]string{}, Counts: map[string]int{}}
	if v == nil {
		return out
	}
	out.At, out.Sources, out.Records = v.At(), freshness(v, nil), v.Snapshot.Records
	for _, c := range v.Snapshot.Customers {
		out.Names[c.ID] = c.Name
	}
	for _, k := range []string{"unmapped_organization", "quiet_customer", "one_desk_customer", "moved_ticket"} {
		out.Counts[k] = out.Records.Count(k)
	}
	return out
}

func (a *api) records(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.recordsView())
}

func (a *api) recordsPage(w http.ResponseWriter, _ *http.Request) {
	a.render(w, "records.html", a.recordsView())
}

// parseWaiting checks a waiting_on value against the view's teams.
func parseWaiting(v *poller.View, id string) error {
	if v.Teams().Index(id) >= 0 {
		return nil
	}
	var ids []string
	for i := range v.Teams().Len() {
		ids = append(ids, v.Teams().ID(i))
	}
	return fmt.Errorf("waiting_on %q: want a team of the config (known: %s)", id, strings.Join(ids, ", "))
}
