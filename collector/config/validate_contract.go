package config

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// calendars checks every calendar.
func (v *validator) calendars(c *Config) {
	for _, name := range sortedKeys(c.Calendars) {
		p := joinPath("calendars", name)
		cal := c.Calendars[name]
		switch {
		case name == Calendar24x7:
			v.errf(p, "the name %s is reserved for round-the-clock SLAs and needs no definition", Calendar24x7)
		case !idRE.MatchString(name):
			v.errf(p, "invalid calendar name %q (want lowercase letters, digits, _ and -)", name)
		}
		if _, err := cal.Location(); err != nil {
			v.errf(p+".timezone", "unknown time zone %q (want an IANA name like Europe/Vilnius)", cal.Timezone)
		}
		if len(cal.Hours) == 0 {
			v.errf(p+".hours", "at least one entry is required, like mon-fri: \"09:00-18:00\"")
		}
		seen := map[time.Weekday]string{}
		for _, key := range sortedKeys(cal.Hours) {
			hp := joinPath(p+".hours", key)
			days, err := parseDays(key)
			if err != nil {
				v.errf(hp, "%v", err)
				continue
			}
			if _, err := parseSpans(cal.Hours[key]); err != nil {
				v.errf(hp, "%v", err)
			}
			for _, d := range days {
				if other, dup := seen[d]; dup {
					v.errf(hp, "%s is also covered by %s", dayNames[(int(d)+6)%7], other)
					break
				}
				seen[d] = key
			}
		}
		for i, h := range cal.Holidays {
			if _, err := time.Parse(time.DateOnly, h); err != nil {
				v.errf(index(p+".holidays", i), "invalid date %q (want YYYY-MM-DD)", h)
			}
		}
	}
}

// tiers checks every tier.
func (v *validator) tiers(c *Config) {
	for _, name := range sortedKeys(c.Tiers) {
		p := joinPath("tiers", name)
		t := c.Tiers[name]
		if !idRE.MatchString(name) {
			v.errf(p, "invalid tier name %q (want lowercase letters, digits, _ and -)", name)
		}
		v.target(p+".compliance_target", t.ComplianceTarget)
		switch th := t.AtRisk; {
		case th.Duration < 0:
			v.errf(p+".at_risk", "must be a positive duration")
		case th.Duration == 0 && !(th.Fraction > 0 && th.Fraction < 1):
			v.errf(p+".at_risk", "must be a percentage between 0%% and 100%% (exclusive) or a positive duration, got %s", th)
		}
		v.slaPolicy(p+".sla", &t.SLA, c)
	}
}

// target checks a compliance target.
func (v *validator) target(path string, x float64) {
	if math.IsNaN(x) || x <= 0 || x > 1 {
		v.errf(path, "must be in (0, 1], like 0.95, got %v", x)
	}
}

// slaPolicy checks a tier's SLA policy or a customer's override.
func (v *validator) slaPolicy(p string, s *SLAPolicy, c *Config) {
	if s.Calendar != "" && s.Calendar != Calendar24x7 {
		if _, ok := c.Calendars[s.Calendar]; !ok {
			v.errf(p+".calendar", "unknown calendar %q %s", s.Calendar, known(append([]string{Calendar24x7}, sortedKeys(c.Calendars)...)))
		}
	}
	prios := make([]string, 0, len(s.Goals))
	for prio := range s.Goals {
		prios = append(prios, string(prio))
	}
	slices.Sort(prios)
	for _, prio := range prios {
		gp := joinPath(p+".goals", prio)
		if !ticket.Priority(prio).Valid() {
			v.errf(gp, "unknown priority %q %s", prio, known(ticket.Priorities))
			continue
		}
		goals := s.Goals[ticket.Priority(prio)]
		for _, name := range sortedKeys(goals) {
			np := joinPath(gp, name)
			if !slaNameRE.MatchString(name) {
				v.errf(np, "invalid SLA name %q (want lowercase snake_case like first_response)", name)
			}
			if goals[name] <= 0 {
				v.errf(np, "goal must be greater than 0")
			}
		}
	}
	for i, st := range s.PauseStates {
		ip := index(p+".pause_states", i)
		switch {
		case !st.Valid():
			v.errf(ip, "unknown state %q %s", st, known(ticket.States))
		case !st.Open():
			v.errf(ip, "state %q ends the clock; only open states can pause it %s", st, known(ticket.OpenStates))
		}
	}
}

// customers checks every customer and that no match value points at two customers.
func (v *validator) customers(c *Config) {
	ids := map[string]int{}
	tiers := sortedKeys(c.Tiers)
	owners := map[string]int{} // kind + "\x00" + folded value -> customer index
	for i := range c.Customers {
		cu := &c.Customers[i]
		p := index("customers", i)
		v.identifier(p+".id", "customer id", cu.ID, idRE, "lowercase letters, digits, _ and -, starting with a letter or digit", ids, "customers", i)
		switch {
		case cu.Tier == "":
			v.errf(p+".tier", "is required %s", known(tiers))
		case !slices.Contains(tiers, cu.Tier):
			v.errf(p+".tier", "unknown tier %q %s", cu.Tier, known(tiers))
		}
		if cu.ComplianceTarget != nil {
			v.target(p+".compliance_target", *cu.ComplianceTarget)
		}
		if cu.SLA != nil {
			v.slaPolicy(p+".sla", cu.SLA, c)
		}
		m := cu.Match
		lists := []struct {
			key  string
			vals []string
		}{
			{"organization", m.Organization},
			{"zendesk_organization_id", m.ZendeskOrganizationID},
			{"project", m.Project},
			{"field", m.Field},
			{"label", m.Label},
			{"email_domain", m.EmailDomain},
		}
		for _, l := range lists {
			for j, val := range l.vals {
				vp := index(p+".match."+l.key, j)
				if strings.TrimSpace(val) == "" {
					v.errf(vp, "must not be empty")
					continue
				}
				if l.key == "zendesk_organization_id" && !digitsRE.MatchString(val) {
					v.errf(vp, "invalid Zendesk organization id %q (want digits)", val)
					continue
				}
				k := l.key + "\x00" + strings.ToLower(val)
				if other, taken := owners[k]; taken && other != i {
					v.errf(vp, "%q already identifies customer %s", val, c.Customers[other].ID)
					continue
				}
				owners[k] = i
			}
		}
	}
}
