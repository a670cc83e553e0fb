package match

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// DeskOrganizations is what one desk lists of the organizations (and Jira projects) that can
// name customers, for Discover.
type DeskOrganizations struct {
	Source   string // the source's name
	Type     string // jira | zendesk
	Orgs     []ticket.Organization
	Domains  map[string][]string // email domains by organization id (Zendesk)
	Owners   map[string]string   // owner field by organization id
	Projects []ticket.Organization
}

// Proposal is one customer `custops customers discover` proposes: the organizations of every
// desk found to be one customer, with the match rules that map their tickets to it.
type Proposal struct {
	Customer config.Customer
	// Seen says where each organization came from: "jsm: Northwind Payments", for the comment
	// above the entry.
	Seen []string
}

// Discover groups the desks' organizations into customers: organizations of any desk whose
// names fold to the same key (SameName: case, punctuation and company forms aside) or that share
// an email domain are one customer. A group any organization of which already maps to a
// configured customer is left out (the config has it). Each proposal has a new id (its name
// folded, made unique against the config and the other proposals), the group's most common
// name, tier (the caller's placeholder) and the match rules: the organizations' names
// (organization), the Zendesk organizations' ids (zendesk_organization_id), their email domains
// (email_domain) and the Jira projects of the same name (project). Proposals come sorted by id.
func Discover(cfg *config.Config, desks []DeskOrganizations, tier string) []Proposal {
	m := New(cfg)
	type member struct {
		desk   *DeskOrganizations
		org    ticket.Organization
		mapped bool
	}
	var members []member
	for i := range desks {
		d := &desks[i]
		for _, o := range d.Orgs {
			t := &ticket.Ticket{Source: d.Source, Attributes: ticket.Attributes{Organizations: []ticket.Organization{o}}}
			members = append(members, member{desk: d, org: o, mapped: m.Customer(t) != ""})
		}
	}
	// Union-find over the members by folded name and by domain.
	parent := make([]int, len(members))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	byKey := map[string]int{}
	for i, mb := range members {
		keys := []string{"name:" + SameName(mb.org.Name)}
		if SameName(mb.org.Name) == "" {
			keys = nil
		}
		for _, dom := range mb.desk.Domains[mb.org.ID] {
			if dom = strings.ToLower(strings.TrimSpace(dom)); dom != "" {
				keys = append(keys, "domain:"+dom)
			}
		}
		for _, k := range keys {
			if j, ok := byKey[k]; ok {
				union(i, j)
			} else {
				byKey[k] = i
			}
		}
	}
	groups := map[int][]member{}
	for i, mb := range members {
		groups[find(i)] = append(groups[find(i)], mb)
	}
	taken := map[string]bool{}
	for _, c := range cfg.Customers {
		taken[c.ID] = true
	}
	var out []Proposal
	roots := slices.Sorted(func(yield func(int) bool) {
		for r := range groups {
			if !yield(r) {
				return
			}
		}
	})
	for _, r := range roots {
		g := groups[r]
		if slices.ContainsFunc(g, func(mb member) bool { return mb.mapped }) {
			continue
		}
		var p Proposal
		names := map[string]int{}
		for _, mb := range g {
			c := &p.Customer
			if mb.org.Name != "" {
				names[mb.org.Name]++
				addOnce(&c.Match.Organization, mb.org.Name)
			}
			if mb.desk.Type == config.TypeZendesk && mb.org.ID != "" {
				addOnce(&c.Match.ZendeskOrganizationID, mb.org.ID)
			}
			for _, dom := range mb.desk.Domains[mb.org.ID] {
				addOnce(&c.Match.EmailDomain, strings.ToLower(strings.TrimSpace(dom)))
			}
			if o := config.OwnerHandle(mb.desk.Owners[mb.org.ID]); o != "" && c.Owner == "" {
				c.Owner = o
			}
			label := mb.org.Name
			if mb.desk.Type == config.TypeZendesk {
				label += " (id " + mb.org.ID + ")"
			}
			p.Seen = append(p.Seen, mb.desk.Source+": "+label)
		}
		// The most common spelling names the customer; the shortest of equals, then the first.
		best := ""
		for n, k := range names {
			if best == "" || k > names[best] || (k == names[best] && (len(n) < len(best) || (len(n) == len(best) && n < best))) {
				best = n
			}
		}
		p.Customer.Name = best
		for i := range desks {
			for _, pr := range desks[i].Projects {
				if key := SameName(pr.Name); key != "" && key == SameName(p.Customer.Name) {
					addOnce(&p.Customer.Match.Project, pr.ID)
					p.Seen = append(p.Seen, desks[i].Source+": project "+pr.ID)
				}
			}
		}
		p.Customer.ID = uniqueID(slug(p.Customer.Name), taken)
		taken[p.Customer.ID] = true
		p.Customer.Tier = tier
		for _, l := range [][]string{p.Customer.Match.Organization, p.Customer.Match.ZendeskOrganizationID, p.Customer.Match.EmailDomain, p.Customer.Match.Project} {
			slices.Sort(l)
		}
		slices.Sort(p.Seen)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Proposal) int { return cmp.Compare(a.Customer.ID, b.Customer.ID) })
	return out
}

func addOnce(list *[]string, v string) {
	if v != "" && !slices.ContainsFunc(*list, func(x string) bool { return strings.EqualFold(x, v) }) {
		*list = append(*list, v)
	}
}

var notID = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a name into a customer id: lowercase letters and digits joined by dashes.
func slug(name string) string {
	s := strings.Trim(notID.ReplaceAllString(SameName(name), "-"), "-")
	if s == "" {
		return "customer"
	}
	return s
}

// uniqueID returns id, or id-2, id-3... when it is taken.
func uniqueID(id string, taken map[string]bool) string {
	if !taken[id] {
		return id
	}
	for n := 2; ; n++ {
		if c := id + "-" + strconv.Itoa(n); !taken[c] {
			return c
		}
	}
}
