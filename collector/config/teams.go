package config

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/ticket"
)

// Team is an internal team a ticket can wait on (Technical Support, Engineering, Product, the
// CSMs, the customer itself): the `team` label. A ticket waits on the first team, in the order
// of teams, whose When matches it at that instant; an open ticket no team matches waits on none,
// and a resolved one on none.
type Team struct {
	ID   string    `yaml:"id"`   // the `team` label: [a-z0-9][a-z0-9_-]*
	Name string    `yaml:"name"` // display name: the id when empty
	When TeamMatch `yaml:"when"`
	// OLA is the team's operational level agreement, nil for a team without one.
	OLA *OLA `yaml:"ola"`
}

// TeamMatch lists the facts that put a ticket with a team: any one listed matching is enough.
// Names compare without case; values name what each source calls them.
type TeamMatch struct {
	States     []ticket.State `yaml:"states"`     // normalized open states: waiting_customer
	Statuses   []string       `yaml:"statuses"`   // the sources' own status names: "Waiting for Engineering"
	Groups     []string       `yaml:"groups"`     // Zendesk groups, by name or id
	Components []string       `yaml:"components"` // Jira components, by name
	TeamField  []string       `yaml:"team_field"` // values of a source's team_field
	// LinkedProject: the ticket has a linked Jira issue in one of these projects that is not
	// done (an engineering bug the support ticket waits on).
	LinkedProject []string `yaml:"linked_project"`
}

// empty reports whether the match names nothing: such a team never matches.
func (m TeamMatch) empty() bool {
	return len(m.States)+len(m.Statuses)+len(m.Groups)+len(m.Components)+len(m.TeamField)+len(m.LinkedProject) == 0
}

// OLA is how long a team may keep a ticket, per priority, on a calendar: one cycle per stay
// with the team, counting from the moment the ticket reaches the team until it leaves; a stay
// with a team in PausedBy (the customer asked for information) pauses the cycle instead of
// ending it, and the next stay with the team resumes it.
type OLA struct {
	Calendar string                       `yaml:"calendar"`  // a key of calendars, or 24x7 (the default)
	AtRisk   Threshold                    `yaml:"at_risk"`   // of the target or a duration: 25%
	PausedBy []string                     `yaml:"paused_by"` // team ids whose stays pause this OLA
	Targets  map[ticket.Priority]Duration `yaml:"targets"`   // p1: 4h, p2: 1d
}

// Target returns the OLA's target for priority p, and whether it has one.
func (o *OLA) Target(p ticket.Priority) (time.Duration, bool) {
	if o == nil {
		return 0, false
	}
	d, ok := o.Targets[p]
	return time.Duration(d), ok && d > 0
}

// MaxTeams bounds teams: each adds a few series per customer (catalog.SeriesBudget).
const MaxTeams = 8

// DefaultOLA counts round the clock and warns at a quarter of the target left.
var DefaultOLA = OLA{Calendar: Calendar24x7, AtRisk: Threshold{Fraction: 0.25}}

// UnmarshalYAML reads a team; its name defaults to its id.
func (t *Team) UnmarshalYAML(node *yaml.Node) error {
	*t = Team{}
	type plain Team
	if err := node.Decode((*plain)(t)); err != nil {
		return err
	}
	if t.Name == "" {
		t.Name = t.ID
	}
	return nil
}

// UnmarshalYAML applies DefaultOLA, then the file.
func (o *OLA) UnmarshalYAML(node *yaml.Node) error {
	*o = DefaultOLA
	type plain OLA
	return node.Decode((*plain)(o))
}

// TeamByID returns the team with the given id.
func (c *Config) TeamByID(id string) (Team, bool) {
	i := slices.IndexFunc(c.Teams, func(t Team) bool { return t.ID == id })
	if i < 0 {
		return Team{}, false
	}
	return c.Teams[i], true
}

// TeamIDs lists the teams' ids in config order.
func (c *Config) TeamIDs() []string {
	ids := make([]string, len(c.Teams))
	for i, t := range c.Teams {
		ids[i] = t.ID
	}
	return ids
}

// OLATeams counts the teams with an OLA.
func (c *Config) OLATeams() int {
	n := 0
	for _, t := range c.Teams {
		if t.OLA != nil {
			n++
		}
	}
	return n
}

// NeedsHandling reports whether a source must read team facts (groups, components, the team
// field, links): some team rule names one it can have. States and statuses come with every
// ticket already.
func (c *Config) NeedsHandling(s Source) bool {
	for _, t := range c.Teams {
		m := t.When
		switch {
		case s.Type == TypeZendesk && len(m.Groups) > 0,
			s.Type == TypeJira && (len(m.Components) > 0 || len(m.LinkedProject) > 0),
			s.TeamField != "" && len(m.TeamField) > 0:
			return true
		}
	}
	return false
}

// DeriveSources fills each source's ReadHandling and LinkedProjects from the teams. Parse and
// Validate call it; a configuration changed in Go after them calls it again.
func (c *Config) DeriveSources() {
	projects := c.LinkedProjects()
	for i := range c.Sources {
		s := &c.Sources[i]
		s.ReadHandling = c.NeedsHandling(*s)
		s.TrackStates = len(c.Teams) > 0
		s.LinkedProjects = nil
		if s.Type == TypeJira && s.ReadHandling {
			s.LinkedProjects = projects
		}
	}
}

// LinkedProjects lists the Jira projects team rules name in linked_project, upper-cased.
func (c *Config) LinkedProjects() []string {
	var out []string
	for _, t := range c.Teams {
		for _, p := range t.When.LinkedProject {
			if p = strings.ToUpper(strings.TrimSpace(p)); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Owner returns the owner of the customer set in config, or "".
func (c *Config) Owner(customerID string) string {
	if cu, ok := c.CustomerByID(customerID); ok {
		return cu.Owner
	}
	return ""
}

var (
	// ownerRE is what an owner may be: a handle Alertmanager routes and boards filter on.
	ownerRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	// projectKeyRE is a Jira project key.
	projectKeyRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// OwnerHandle turns an owner as a desk's organization field holds it into an owner handle: an
// email becomes its local part, the rest is lowercased; "" when nothing usable is left (the
// field holds free text).
func OwnerHandle(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if at := strings.IndexByte(v, '@'); at > 0 {
		v = v[:at]
	}
	if !ownerRE.MatchString(v) || len(v) > 64 {
		return ""
	}
	return v
}

// teams checks the teams, the sources' team and owner keys and the customers' owners.
func (v *validator) teams(c *Config) {
	if len(c.Teams) > MaxTeams {
		v.errf("teams", "at most %d teams (each adds series per customer), got %d", MaxTeams, len(c.Teams))
	}
	ids := map[string]int{}
	for i := range c.Teams {
		t := &c.Teams[i]
		p := index("teams", i)
		v.identifier(p+".id", "team id", t.ID, idRE, "lowercase letters, digits, _ and -, starting with a letter or digit", ids, "teams", i)
		v.teamMatch(c, t.When, p+".when")
	}
	for i := range c.Teams {
		if o := c.Teams[i].OLA; o != nil {
			v.ola(c, &c.Teams[i], index("teams", i)+".ola")
		}
	}
	for i, s := range c.Sources {
		p := index("sources", i)
		switch {
		case s.TeamField == "":
		case strings.TrimSpace(s.TeamField) == "":
			v.errf(p+".team_field", "must not be empty")
		case s.Type == TypeZendesk && !digitsRE.MatchString(s.TeamField):
			v.errf(p+".team_field", "invalid Zendesk custom field id %q (want digits)", s.TeamField)
		}
		if s.OwnerField != "" && s.Type != TypeZendesk {
			v.errf(p+".owner_field", "applies to zendesk sources only (an organization field)")
		}
	}
	for i, cu := range c.Customers {
		if cu.Owner != "" && !ownerRE.MatchString(cu.Owner) {
			v.errf(index("customers", i)+".owner", "invalid owner %q (want a lowercase handle like a.person: letters, digits, _, . and -)", cu.Owner)
		}
	}
}

// teamMatch checks one team's when.
func (v *validator) teamMatch(c *Config, m TeamMatch, p string) {
	if m.empty() {
		v.errf(p, "at least one of states, statuses, groups, components, team_field or linked_project is required")
		return
	}
	has := func(typ string) bool {
		return slices.ContainsFunc(c.Sources, func(s Source) bool { return s.Type == typ })
	}
	for i, st := range m.States {
		ip := index(p+".states", i)
		switch {
		case !st.Valid():
			v.errf(ip, "unknown state %q %s", st, known(ticket.States))
		case !st.Open():
			v.errf(ip, "state %q is not open: a resolved ticket waits on no team %s", st, known(ticket.OpenStates))
		}
	}
	v.nonEmpty(p+".statuses", m.Statuses)
	v.nonEmpty(p+".groups", m.Groups)
	v.nonEmpty(p+".components", m.Components)
	v.nonEmpty(p+".team_field", m.TeamField)
	if len(m.Groups) > 0 && !has(TypeZendesk) {
		v.errf(p+".groups", "needs a zendesk source (groups are Zendesk's)")
	}
	if len(m.Components) > 0 && !has(TypeJira) {
		v.errf(p+".components", "needs a jira source (components are Jira's)")
	}
	if len(m.LinkedProject) > 0 && !has(TypeJira) {
		v.errf(p+".linked_project", "needs a jira source (linked issues are Jira's)")
	}
	for i, k := range m.LinkedProject {
		if !projectKeyRE.MatchString(strings.TrimSpace(k)) {
			v.errf(index(p+".linked_project", i), "invalid Jira project key %q (want letters and digits like ENG)", k)
		}
	}
	if len(m.TeamField) > 0 && !slices.ContainsFunc(c.Sources, func(s Source) bool { return s.TeamField != "" }) {
		v.errf(p+".team_field", "no source sets team_field (the custom field holding the team)")
	}
}

// ola checks a team's OLA.
func (v *validator) ola(c *Config, t *Team, p string) {
	o := t.OLA
	if o.Calendar != Calendar24x7 {
		if _, ok := c.Calendars[o.Calendar]; !ok {
			v.errf(p+".calendar", "unknown calendar %q %s", o.Calendar, known(append([]string{Calendar24x7}, sortedKeys(c.Calendars)...)))
		}
	}
	switch th := o.AtRisk; {
	case th.Duration < 0:
		v.errf(p+".at_risk", "must be a positive duration")
	case th.Duration == 0 && !(th.Fraction > 0 && th.Fraction < 1):
		v.errf(p+".at_risk", "must be a percentage between 0%% and 100%% (exclusive) or a positive duration, got %s", th)
	}
	for i, id := range o.PausedBy {
		ip := index(p+".paused_by", i)
		switch {
		case id == t.ID:
			v.errf(ip, "a team cannot pause its own OLA")
		case !slices.ContainsFunc(c.Teams, func(x Team) bool { return x.ID == id }):
			v.errf(ip, "unknown team %q %s", id, known(c.TeamIDs()))
		}
	}
	if len(o.Targets) == 0 {
		v.errf(p+".targets", "at least one priority's target is required, like p1: 4h")
	}
	prios := make([]string, 0, len(o.Targets))
	for prio := range o.Targets {
		prios = append(prios, string(prio))
	}
	slices.Sort(prios)
	for _, prio := range prios {
		tp := joinPath(p+".targets", prio)
		switch {
		case !ticket.Priority(prio).Valid():
			v.errf(tp, "unknown priority %q %s", prio, known(ticket.Priorities))
		case o.Targets[ticket.Priority(prio)] <= 0:
			v.errf(tp, "target must be greater than 0")
		}
	}
}

// describeTeams writes the teams, in match order, for `custops check`.
func (c *Config) describeTeams(p func(string, ...any)) {
	if len(c.Teams) == 0 {
		return
	}
	p("\nTeams (a ticket waits on the first that matches)\n")
	p("  ID\tNAME\tWHEN\tOLA\n")
	for _, t := range c.Teams {
		m := t.When
		var when []string
		for _, kv := range []struct {
			key  string
			vals []string
		}{
			{"states", func() []string {
				out := make([]string, len(m.States))
				for i, s := range m.States {
					out[i] = string(s)
				}
				return out
			}()},
			{"statuses", m.Statuses}, {"groups", m.Groups}, {"components", m.Components},
			{"team_field", m.TeamField}, {"linked_project", m.LinkedProject},
		} {
			if len(kv.vals) > 0 {
				when = append(when, kv.key+" "+strings.Join(kv.vals, ", "))
			}
		}
		ola := "-"
		if o := t.OLA; o != nil {
			var targets []string
			for _, prio := range ticket.Priorities {
				if d, ok := o.Targets[prio]; ok {
					targets = append(targets, string(prio)+" "+d.String())
				}
			}
			ola = strings.Join(targets, ", ") + " on " + o.Calendar + ", at risk " + o.AtRisk.String()
			if len(o.PausedBy) > 0 {
				ola += ", paused by " + strings.Join(o.PausedBy, ", ")
			}
		}
		p("  %s\t%s\t%s\t%s\n", t.ID, t.Name, strings.Join(when, "; "), ola)
	}
}
