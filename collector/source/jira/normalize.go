package jira

import (
	"fmt"
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// mapper turns wire issues into normalized tickets, with the source's config and discovered
// fields. Lookups are by lowercased name: Jira names are case-insensitive in JQL and people
// write them in config either way.
type mapper struct {
	source   string
	base     string // for ticket URLs: <base>/browse/<key>
	prios    map[string]ticket.Priority
	defPrio  ticket.Priority
	statuses map[string]ticket.State
	escLabel map[string]bool
	escStat  map[string]bool
	incident map[string]bool
	slaNames map[string]string
	fields   fieldIDs
	match    []string // custom field ids customer_from and category_from rules name
	// requestType: a category_from rule reads the request type's name (category.go).
	requestType bool
	channels    map[string]ticket.Channel
	// byDomain: a customer_from rule reads the reporter's email domain, so a reporter whose
	// email the vendor withholds is a data problem worth counting.
	byDomain bool
	// readHandling: team rules read components, the team field or links (teams.go); teamField
	// is the source's team_field (teamFieldName its name, for Data Center's changelog) and
	// linked the "KEY-" prefixes of the projects linked issues are looked for in.
	readHandling  bool
	teamField     string
	teamFieldName string
	linked        []string
}

// setFields installs the site's field ids.
func (m *mapper) setFields(f fieldIDs) { m.fields = f }

func newMapper(cfg config.Source, base string) *mapper {
	m := &mapper{
		source:   cfg.Name,
		base:     base,
		prios:    map[string]ticket.Priority{},
		defPrio:  cfg.DefaultPriority,
		statuses: map[string]ticket.State{},
		escLabel: lowerSet(cfg.Escalation.Labels),
		escStat:  lowerSet(cfg.Escalation.Statuses),
		incident: lowerSet(cfg.IncidentTypes),
		slaNames: map[string]string{},
		channels: map[string]ticket.Channel{},
	}
	if !m.defPrio.Valid() {
		m.defPrio = ticket.P3
	}
	for _, p := range []struct {
		p     ticket.Priority
		names []string
	}{
		{ticket.P1, []string{"highest", "blocker", "critical"}},
		{ticket.P2, []string{"high", "major"}},
		{ticket.P3, []string{"medium"}},
		{ticket.P4, []string{"low", "lowest", "minor", "trivial"}},
	} {
		for _, n := range p.names {
			m.prios[n] = p.p
		}
	}
	for n, p := range cfg.Priorities {
		m.prios[strings.ToLower(n)] = p
	}
	// Stock JSM status names whose category alone would say "in progress".
	for n, s := range map[string]ticket.State{
		"waiting for customer":    ticket.StateWaitingCustomer,
		"waiting for support":     ticket.StateInProgress,
		"pending":                 ticket.StateWaitingPartner,
		"waiting for third party": ticket.StateWaitingPartner,
		"closed":                  ticket.StateClosed,
	} {
		m.statuses[n] = s
	}
	for n, s := range cfg.Statuses {
		m.statuses[strings.ToLower(n)] = s
	}
	if len(cfg.Escalation.Labels) == 0 && len(cfg.Escalation.Statuses) == 0 {
		m.escLabel = lowerSet([]string{"escalated"})
		m.escStat = lowerSet([]string{"Escalated"})
	}
	if len(cfg.IncidentTypes) == 0 {
		m.incident = lowerSet([]string{"Incident"})
	}
	for n, ours := range cfg.SLANames {
		m.slaNames[strings.ToLower(strings.TrimSpace(n))] = ours
	}
	// The JSM channels (CustomerRequestChannelSource: PORTAL "portal", ANONYMOUS_PORTAL, EMAIL
	// "email", API "api", JIRA "jira": "Source channel from which Issues are created via JIRA",
	// https://docs.atlassian.com/jira-servicedesk/5.12.17/com/atlassian/servicedesk/api/request/CustomerRequestChannelSource.html).
	// "jira" is an agent raising the request in Jira, or an integration creating it through
	// Jira's own REST API: config says which. Apps may stamp channels of their own ("custom
	// channel can be built using unique value"): config maps those.
	for n, c := range map[string]ticket.Channel{
		"portal":           ticket.ChannelPortal,
		"anonymous_portal": ticket.ChannelPortal,
		"email":            ticket.ChannelEmail,
		"api":              ticket.ChannelAPI,
		"jira":             ticket.ChannelAgent,
	} {
		m.channels[n] = c
	}
	for n, c := range cfg.Channels {
		m.channels[strings.ToLower(n)] = c
	}
	for _, r := range cfg.CustomerFrom {
		if r.Kind == config.MatchField && r.Field != "" {
			m.match = append(m.match, r.Field)
		}
		if r.Kind == config.MatchReporterDomain {
			m.byDomain = true
		}
	}
	m.addCategoryFields(cfg)
	m.readHandling, m.teamField = cfg.ReadHandling, cfg.TeamField
	for _, p := range cfg.LinkedProjects {
		m.linked = append(m.linked, p+"-")
	}
	m.setFields(fieldIDs{slaFieldName: map[string]string{}})
	return m
}

func lowerSet(list []string) map[string]bool {
	s := make(map[string]bool, len(list))
	for _, v := range list {
		s[strings.ToLower(v)] = true
	}
	return s
}

// priority maps a Jira priority name; unknown or missing names take the default and flag.
func (m *mapper) priority(name string) (ticket.Priority, bool) {
	if p, ok := m.prios[strings.ToLower(name)]; ok && p.Valid() {
		return p, true
	}
	return m.defPrio, false
}

// state maps a status: by name (config, then stock JSM names), then by status category key
// (new, indeterminate, done). Neither known: in_progress, flagged.
func (m *mapper) state(st wireStatus) (ticket.State, bool) {
	if s, ok := m.statuses[strings.ToLower(st.Name)]; ok && s.Valid() {
		return s, true
	}
	switch st.StatusCategory.Key {
	case "new":
		return ticket.StateNew, true
	case "indeterminate":
		return ticket.StateInProgress, true
	case "done":
		return ticket.StateResolved, true
	}
	return ticket.StateInProgress, false
}

// channel maps JSM's request.channel.type property by the source's channel map. A channel no one
// mapped is other and flagged unknown_channel, as is a JSM request (one with a request type)
// without the property: JSM sets it on every request. An issue that is not a JSM request has no
// channel to speak of and is not flagged.
func (m *mapper) channel(prop *wireChannel, isRequest bool) (ticket.Channel, bool) {
	if prop == nil || prop.Value == "" {
		return ticket.ChannelOther, !isRequest
	}
	if c, ok := m.channels[strings.ToLower(prop.Value)]; ok && c.Valid() {
		return c, true
	}
	return ticket.ChannelOther, false
}

// toTicket normalizes one issue. prev is the stored version, if any, for what the wire does
// not carry: reopen counts and first-seen times. now is the poll instant.
func (m *mapper) toTicket(r *issueRec, prev *ticket.Ticket, now time.Time) (*ticket.Ticket, error) {
	if r.Key == "" {
		return nil, fmt.Errorf("issue %q without a key", r.ID)
	}
	if r.sys.Updated == "" {
		return nil, fmt.Errorf("issue %s: no updated field", r.Key)
	}
	up, err := parseJiraTime(r.sys.Updated)
	if err != nil {
		return nil, fmt.Errorf("issue %s: updated: %w", r.Key, err)
	}
	t := &ticket.Ticket{
		Source:  m.source,
		Key:     r.Key,
		Summary: r.sys.Summary,
		URL:     m.base + "/browse/" + r.Key,
		Updated: up,
		Created: timeOrZero(r.sys.Created),
	}
	t.Attributes.Project = r.sys.Project.Key
	t.Attributes.Labels = r.sys.Labels
	t.Attributes.ReporterDomain = ticket.EmailDomain(r.sys.Reporter.EmailAddress)
	var orgs []wireName
	r.field(m.fields.orgs, &orgs)
	for _, o := range orgs {
		t.Attributes.Organizations = append(t.Attributes.Organizations, ticket.Organization{Name: o.Name})
	}
	for _, id := range m.match {
		if raw := r.custom[id]; !isNull(raw) {
			if v := stringValue(raw); v != "" {
				if t.Attributes.Fields == nil {
					t.Attributes.Fields = map[string]string{}
				}
				t.Attributes.Fields[id] = v
			}
		}
	}
	m.requestTypeFact(r, t)

	var ok bool
	if t.Priority, ok = m.priority(r.sys.Priority.Name); !ok {
		t.Quality = append(t.Quality, ticket.QualityUnknownPriority)
	}
	t.Status = r.sys.Status.Name
	if t.State, ok = m.state(r.sys.Status); !ok {
		t.Quality = append(t.Quality, ticket.QualityUnknownStatus)
	}
	if t.Channel, ok = m.channel(r.channel, !isNull(r.custom[m.fields.requestType])); !ok {
		t.Quality = append(t.Quality, ticket.QualityUnknownChannel)
	}
	if m.byDomain && r.reporterSet && t.Attributes.ReporterDomain == "" {
		// The reporter is there but its email is withheld: the reporter_domain rule cannot
		// read it, and the ticket must not silently match no customer.
		t.Quality = append(t.Quality, ticket.QualityReporterEmailHidden)
	}

	t.Incident = m.incident[strings.ToLower(r.sys.IssueType.Name)]
	t.Escalated = m.escStat[strings.ToLower(t.Status)]
	for _, lb := range t.Attributes.Labels {
		if m.escLabel[strings.ToLower(lb)] {
			t.Escalated = true
		}
	}

	if !t.State.Open() {
		t.Resolved = timeOrZero(r.sys.ResolutionDate)
		if t.Resolved.IsZero() {
			// A workflow without a resolution: the first time we saw it done stands in.
			if prev != nil && !prev.Open() && !prev.Resolved.IsZero() {
				t.Resolved = prev.Resolved
			} else {
				t.Resolved = t.Updated
			}
		}
	}
	if prev != nil {
		t.Reopened, t.ReopenedAt = prev.Reopened, prev.ReopenedAt
		if !prev.Open() && t.Open() {
			t.Reopened++
			t.ReopenedAt = t.Updated
		}
	}

	var fb wireFeedback
	if r.field(m.fields.satisfaction, &fb) && fb.Rating >= 1 && fb.Rating <= 5 {
		t.CSAT = ticket.CSATBad
		if fb.Rating >= 4 {
			t.CSAT = ticket.CSATGood
		}
		var date string
		r.field(m.fields.satisfactionDate, &date)
		t.CSATAt = timeOrZero(date)
		if t.CSATAt.IsZero() {
			// No date field: the first update that carried the rating dates it; later
			// updates of the same rating must not move it.
			if prev != nil && prev.CSAT == t.CSAT && !prev.CSATAt.IsZero() {
				t.CSATAt = prev.CSATAt
			} else {
				t.CSATAt = t.Updated
			}
		}
	}

	for _, id := range m.fields.sla {
		var v slaValue
		if !r.field(id, &v) {
			continue
		}
		c, ok := clockFromSLA(&v, m.fields.slaFieldName[id], m.slaNames, now)
		if ok {
			t.Clocks = append(t.Clocks, c)
		}
		if c.Name == ticket.SLAFirstResponse && t.FirstReply.IsZero() {
			t.FirstReply = firstStop(&v)
		}
	}
	return t, nil
}
