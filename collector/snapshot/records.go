package snapshot

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/match"
	"github.com/custops/custops/collector/ticket"
)

// Records is what keeps the customer records from being true: the Records page lists it and
// custops_records_drift counts it by kind. Every list is over the tickets held, so it changes
// only when tickets do, but for Quiet, which reads the customers' 30-day trends.
type Records struct {
	// Unmapped are the organizations on tickets that map to no customer, most tickets first.
	Unmapped []UnmappedOrganization
	// Quiet are the customers without a ticket created in 30 days, by id.
	Quiet []string
	// OneDesk are the customers whose tickets all come from one desk while another desk holds an
	// unmapped organization with the customer's name: matched on one desk but not the other.
	OneDesk []OneDesk
	// Moved are the tickets whose customer changed since they were first read, most recently
	// updated first, at most maxMoved of them; MovedCount counts them all.
	Moved      []MovedTicket
	MovedCount int
}

// UnmappedOrganization is an organization seen on tickets that map to no customer.
type UnmappedOrganization struct {
	Source  string
	ID      string // the Zendesk organization id; "" for a JSM organization
	Name    string
	Tickets int // its tickets held
	Open    int // of which open
}

// OneDesk is a customer matched on one desk, and the unmapped organization on another desk
// that looks like it.
type OneDesk struct {
	Customer string
	Desk     string // the source its tickets come from
	Other    UnmappedOrganization
}

// MovedTicket is a ticket whose customer changed: From when it was first read, To now ("" for
// no customer).
type MovedTicket struct {
	Source, Key, URL, Summary string
	From, To                  string
	Updated                   time.Time
}

// maxMoved bounds the moved tickets a snapshot lists.
const maxMoved = 500

// Count returns the number of records of a kind (catalog.RecordKinds).
func (r *Records) Count(kind string) int {
	switch kind {
	case catalog.RecordUnmappedOrganization:
		return len(r.Unmapped)
	case catalog.RecordQuietCustomer:
		return len(r.Quiet)
	case catalog.RecordOneDeskCustomer:
		return len(r.OneDesk)
	case catalog.RecordMovedTicket:
		return r.MovedCount
	}
	return 0
}

// recordsAcc keeps the records' state as tickets come and go (sign +1 and -1), so the
// incremental snapshot keeps it without walking the tickets again. The organizations sit in one
// slice and their names in one map, so that counting allocates per growth step, not per
// organization: an organization whose tickets all left keeps its slot, counting nothing.
type recordsAcc struct {
	// names are each customer's names folded (match.SameName): its own and its match
	// organizations', for the one-desk record; desks counts the configured sources.
	names map[string][]string
	desks int

	index    map[orgKey]int         // into orgs
	orgs     []UnmappedOrganization // Name unused: orgNames holds them
	orgNames map[orgName]int        // tickets per organization and name
	moved    map[string]MovedTicket // by ticket id
}

// orgName is one name an organization's tickets give it: a Zendesk organization renamed between
// two tickets' reads has both, and the one most tickets carry (the smallest of equals) is shown,
// whatever order the tickets came in.
type orgName struct {
	org  int
	name string
}

func newRecordsAcc(cfg *config.Config, names map[string][]string) *recordsAcc {
	if names == nil {
		names = customerNames(cfg)
	}
	return &recordsAcc{index: map[orgKey]int{}, orgNames: map[orgName]int{}, moved: map[string]MovedTicket{},
		names: names, desks: len(cfg.Sources)}
}

// customerNames folds each customer's names (match.SameName): its own and its match
// organizations'. It depends on the config alone, and folding every customer's names for each
// customer aggregated again would cost more than the aggregation.
func customerNames(cfg *config.Config) map[string][]string {
	names := map[string][]string{}
	for _, cu := range cfg.Customers {
		for _, n := range append([]string{cu.Name}, cu.Match.Organization...) {
			if k := match.SameName(n); k != "" && !slices.Contains(names[cu.ID], k) {
				names[cu.ID] = append(names[cu.ID], k)
			}
		}
	}
	return names
}

// orgKey identifies an organization of a source: by its id when it has one (Zendesk), else by
// its name as the desk spells it (JSM). A struct, so a look-up allocates nothing.
type orgKey struct{ source, id, name string }

func keyOf(source string, o ticket.Organization) orgKey {
	if o.ID != "" {
		return orgKey{source: source, id: o.ID}
	}
	return orgKey{source: source, name: o.Name}
}

// add counts t in (sign 1) or out (-1): customer is the customer it maps to now ("" for none),
// customerOf maps other attributes of it (its former ones).
func (r *recordsAcc) add(t *ticket.Ticket, customer string, customerOf func(*ticket.Ticket) string, sign int) {
	if customer == "" {
		for _, o := range t.Attributes.Organizations {
			if o.ID == "" && strings.TrimSpace(o.Name) == "" {
				continue
			}
			k := keyOf(t.Source, o)
			i, ok := r.index[k]
			if !ok {
				i = len(r.orgs)
				r.index[k] = i
				r.orgs = append(r.orgs, UnmappedOrganization{Source: t.Source, ID: o.ID})
			}
			u := &r.orgs[i]
			u.Tickets += sign
			if t.Open() {
				u.Open += sign
			}
			n := orgName{i, o.Name}
			if r.orgNames[n] += sign; r.orgNames[n] <= 0 {
				delete(r.orgNames, n)
			}
		}
	}
	if t.Former == nil || customerOf == nil {
		return
	}
	was := *t
	was.Attributes = *t.Former
	from := customerOf(&was)
	if from == customer {
		return
	}
	if sign < 0 {
		delete(r.moved, t.ID())
		return
	}
	r.moved[t.ID()] = MovedTicket{Source: t.Source, Key: t.Key, URL: t.URL, Summary: t.Summary, From: from, To: customer, Updated: t.Updated}
}

// finish lists the records; customers are the snapshot's, with their trends.
func (r *recordsAcc) finish(customers []Customer) Records {
	var out Records
	best := make([]int, len(r.orgs))
	named := slices.Clone(r.orgs)
	for n, count := range r.orgNames {
		o := &named[n.org]
		if n.name != "" && (count > best[n.org] || (count == best[n.org] && n.name < o.Name)) {
			o.Name, best[n.org] = n.name, count
		}
	}
	for _, o := range named {
		if o.Tickets > 0 {
			out.Unmapped = append(out.Unmapped, o)
		}
	}
	slices.SortFunc(out.Unmapped, func(a, b UnmappedOrganization) int {
		if c := cmp.Compare(b.Tickets, a.Tickets); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	// Matched on one desk but not the other: a customer whose tickets all come from one desk,
	// while another desk holds an unmapped organization of its name.
	if r.desks > 1 {
		for _, c := range customers {
			if len(c.Sources) != 1 {
				continue
			}
			for _, o := range out.Unmapped {
				if o.Source != c.Sources[0] && slices.Contains(r.names[c.ID], match.SameName(o.Name)) {
					out.OneDesk = append(out.OneDesk, OneDesk{Customer: c.ID, Desk: c.Sources[0], Other: o})
					break
				}
			}
		}
	}
	month := windowIndex(catalog.Window30d)
	for _, c := range customers {
		if month >= 0 && month < len(c.Trends) && c.Trends[month].Created == 0 {
			out.Quiet = append(out.Quiet, c.ID)
		}
	}
	out.MovedCount = len(r.moved)
	for _, m := range r.moved {
		out.Moved = append(out.Moved, m)
	}
	slices.SortFunc(out.Moved, func(a, b MovedTicket) int {
		return cmp.Or(b.Updated.Compare(a.Updated), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Key, b.Key))
	})
	if len(out.Moved) > maxMoved {
		out.Moved = out.Moved[:maxMoved]
	}
	return out
}
