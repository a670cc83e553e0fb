package config

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// validator collects every problem in one file.
type validator struct {
	file  string
	lines map[string]int // field path -> line, from the original tree
	bad   []string       // paths that failed the structural pass
	errs  []*FieldError
}

// fail records a structural problem at a known line and marks the path as bad.
func (v *validator) fail(path string, line int, msg string) {
	v.bad = append(v.bad, path)
	v.errs = append(v.errs, &FieldError{File: v.file, Line: line, Field: path, Msg: msg})
}

// errf records a semantic problem, located through the line index. A path at or under one that
// already failed structurally is skipped: its value is a default, not what the user wrote. So is
// a path above one: "auth: token_env is required" adds nothing to "auth.token: not allowed".
func (v *validator) errf(path, format string, args ...any) {
	for _, b := range v.bad {
		if related(path, b) || related(b, path) {
			return
		}
	}
	v.errs = append(v.errs, &FieldError{File: v.file, Line: v.line(path), Field: path, Msg: fmt.Sprintf(format, args...)})
}

// related reports whether path is under or at base.
func related(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+".") || strings.HasPrefix(path, base+"[")
}

// line finds the line of path, or of its closest ancestor present in the file (a missing key is
// reported where its parent is).
func (v *validator) line(path string) int {
	for {
		if l, ok := v.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return v.lines[""]
		}
		path = path[:i]
	}
}

// result returns every problem in file order, or nil.
func (v *validator) result() error {
	if len(v.errs) == 0 {
		return nil
	}
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].Line < v.errs[j].Line })
	out := make(Errors, len(v.errs))
	for i, e := range v.errs {
		out[i] = e
	}
	return out
}

var (
	sourceNameRE = regexp.MustCompile(`^[a-z0-9_-]+$`)
	idRE         = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	slaNameRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	digitsRE     = regexp.MustCompile(`^[0-9]+$`)
	envNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	orderBy      = regexp.MustCompile(`(?i)\border\s+by\b`)
)

// Known values, in the order error messages list them.
var (
	sourceTypes = []string{TypeJira, TypeZendesk}
	flavors     = []string{"cloud", "datacenter"}
	slaModes    = []string{SLANative, SLAComputed, SLABoth}
	// zendeskMetrics are the metric names of Zendesk's ticket metric events API.
	zendeskMetrics = []string{"requester_wait_time", "resolution_time", "agent_work_time", "reply_time", "group_ownership_time", "pausable_update_time", "periodic_update_time"}
)

// known formats a list of accepted values for an error message: "(known: a, b)".
func known[S ~string](vals []S) string {
	if len(vals) == 0 {
		return "(none defined)"
	}
	s := make([]string, len(vals))
	for i, x := range vals {
		s[i] = string(x)
	}
	return "(known: " + strings.Join(s, ", ") + ")"
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Validate checks a configuration built in Go (the demo's) by the rules a file is checked by;
// name stands for the file in the errors, which carry no line.
func (c *Config) Validate(name string) error {
	v := &validator{file: name}
	v.config(c)
	c.index()
	c.DeriveSources()
	return v.result()
}

// config checks the meaning of a decoded configuration.
func (v *validator) config(c *Config) {
	if c.PollInterval <= 0 {
		v.errf("poll_interval", "must be greater than 0")
	}
	if c.ReconcileInterval <= 0 {
		v.errf("reconcile_interval", "must be greater than 0")
	}
	v.retention(c)
	if strings.TrimSpace(c.StateDir) == "" {
		v.errf("state_dir", "must not be empty")
	}
	v.sources(c)
	v.calendars(c)
	v.tiers(c)
	v.customers(c)
	v.reportSettings(c)
	v.alerting(c)
	v.teams(c)
	for i, ch := range c.OfficialChannels {
		p := index("official_channels", i)
		if !ch.Valid() {
			v.errf(p, "unknown channel %q %s", ch, known(ticket.Channels))
		} else if slices.Index(c.OfficialChannels, ch) < i {
			v.errf(p, "channel %q listed twice", ch)
		}
	}
	for _, name := range sortedKeys(c.Risk.Weights) {
		p := joinPath("risk.weights", name)
		w := c.Risk.Weights[name]
		switch {
		case !slices.Contains(catalog.Factors, name):
			v.errf(p, "unknown risk factor %q %s", name, known(catalog.Factors))
		case math.IsNaN(w) || math.IsInf(w, 0) || w < 0:
			v.errf(p, "weight must be a number >= 0, got %v", w)
		}
	}
}

// identifier checks a required, unique name or id: field is its path, kind names it in the
// duplicate message, seen maps the values met so far to their index in list.
func (v *validator) identifier(field, kind, value string, re *regexp.Regexp, want string, seen map[string]int, list string, i int) {
	word := "name"
	if strings.HasSuffix(field, ".id") {
		word = "id"
	}
	switch {
	case value == "":
		v.errf(field, "is required")
	case !re.MatchString(value):
		v.errf(field, "invalid %s %q (want %s)", word, value, want)
	default:
		if first, dup := seen[value]; dup {
			v.errf(field, "duplicate %s %q (first at %s[%d])", kind, value, list, first)
		} else {
			seen[value] = i
		}
	}
}

// sources checks every source.
func (v *validator) sources(c *Config) {
	if len(c.Sources) == 0 {
		v.errf("sources", "at least one source is required")
	}
	names := map[string]int{}
	for i := range c.Sources {
		s := &c.Sources[i]
		p := index("sources", i)
		v.identifier(p+".name", "source name", s.Name, sourceNameRE, "lowercase letters, digits, _ and -", names, "sources", i)
		if !slices.Contains(sourceTypes, s.Type) {
			if s.Type == "" {
				v.errf(p+".type", "is required %s", known(sourceTypes))
			} else {
				v.errf(p+".type", "unknown type %q %s", s.Type, known(sourceTypes))
			}
			continue // the remaining checks depend on the type
		}
		v.source(s, p)
	}
}

// source checks one source of a known type.
func (v *validator) source(s *Source, p string) {
	v.sourceURL(s, p)
	switch {
	case s.Auth.Secret != nil:
		// Set in Go (the demo); a file cannot reach it.
	case s.Auth.TokenEnv == "" && s.Auth.TokenFile == "":
		v.errf(p+".auth", "token_env or token_file is required for %s sources", s.Type)
	case s.Auth.TokenEnv != "" && s.Auth.TokenFile != "":
		v.errf(p+".auth", "set only one of token_env and token_file")
	}
	if env := s.Auth.TokenEnv; env != "" && !looksLikeEnvName(env) {
		// Never echo the value: it may be the token pasted in the wrong place.
		v.errf(p+".auth.token_env", "must be the name of an environment variable (like JIRA_TOKEN), not the token itself")
	}
	if s.Flavor != "" {
		if s.Type != TypeJira {
			v.errf(p+".flavor", "applies to jira sources only")
		} else if !slices.Contains(flavors, s.Flavor) {
			v.errf(p+".flavor", "unknown flavor %q %s", s.Flavor, known(flavors))
		}
	}
	if s.JQL != "" && s.Type != TypeJira {
		v.errf(p+".jql", "applies to jira sources only")
	} else if orderBy.MatchString(s.JQL) {
		v.errf(p+".jql", "must be a filter without ORDER BY (custops orders by updated to poll incrementally)")
	}
	if s.Type != TypeJira && (len(s.Fields.SLA) > 0 || s.Fields.Organizations != "" || s.Fields.Satisfaction != "" || s.Fields.RequestType != "") {
		v.errf(p+".fields", "applies to jira sources only")
	}
	if s.PollInterval < 0 {
		v.errf(p+".poll_interval", "must not be negative")
	}
	if s.Timeout <= 0 {
		v.errf(p+".timeout", "must be greater than 0")
	}
	if s.PageSize < 0 {
		v.errf(p+".page_size", "must be greater than 0")
	} else if s.Type == TypeZendesk && s.PageSize > DefaultZendeskPageSize {
		v.errf(p+".page_size", "Zendesk returns at most %d per page", DefaultZendeskPageSize)
	}
	v.rules(s, p)
	for _, name := range sortedKeys(s.Priorities) {
		if prio := s.Priorities[name]; !prio.Valid() {
			v.errf(joinPath(p+".priorities", name), "unknown priority %q %s", prio, known(ticket.Priorities))
		}
	}
	if !s.DefaultPriority.Valid() {
		v.errf(p+".default_priority", "unknown priority %q %s", s.DefaultPriority, known(ticket.Priorities))
	}
	for _, name := range sortedKeys(s.Statuses) {
		if st := s.Statuses[name]; !st.Valid() {
			v.errf(joinPath(p+".statuses", name), "unknown state %q %s", st, known(ticket.States))
		}
	}
	if len(s.Channels) > 0 && s.Type != TypeJira {
		v.errf(p+".channels", "applies to jira sources only")
	}
	for _, name := range sortedKeys(s.Channels) {
		if ch := s.Channels[name]; !ch.Valid() {
			v.errf(joinPath(p+".channels", name), "unknown channel %q %s", ch, known(ticket.Channels))
		}
	}
	v.nonEmpty(p+".escalation.labels", s.Escalation.Labels)
	v.nonEmpty(p+".escalation.statuses", s.Escalation.Statuses)
	v.nonEmpty(p+".incident_types", s.IncidentTypes)
	if !slices.Contains(slaModes, s.SLA) {
		v.errf(p+".sla", "unknown SLA mode %q %s", s.SLA, known(slaModes))
	}
	for _, name := range sortedKeys(s.SLANames) {
		if ours := s.SLANames[name]; !slaNameRE.MatchString(ours) {
			v.errf(joinPath(p+".sla_names", name), "invalid SLA name %q (want lowercase snake_case like first_response)", ours)
		}
	}
	if s.Type == TypeZendesk && !slices.Contains(zendeskMetrics, s.ResolutionMetric) {
		v.errf(p+".resolution_metric", "unknown Zendesk SLA metric %q %s", s.ResolutionMetric, known(zendeskMetrics))
	}
}

// looksLikeEnvName reports whether s is a plausible environment variable name rather than a
// pasted token: letters, digits and _, and not the long mixed-case string API tokens are.
func looksLikeEnvName(s string) bool {
	if !envNameRE.MatchString(s) {
		return false
	}
	return len(s) < 24 || strings.ToUpper(s) == s || strings.ToLower(s) == s
}

// rules checks a source's customer_from list.
func (v *validator) rules(s *Source, p string) {
	for i, r := range s.CustomerFrom {
		rp := index(p+".customer_from", i)
		switch r.Kind {
		case MatchOrganization, MatchLabel, MatchReporterDomain:
		case MatchProject:
			if s.Type == TypeZendesk {
				v.errf(rp, "rule project applies to jira sources only")
			}
		case MatchField:
			if r.Field == "" {
				v.errf(rp, "rule field needs the field id: {field: customfield_10050}")
			}
		case MatchLabelPrefix:
			if r.Prefix == "" {
				v.errf(rp, "rule label_prefix needs the prefix: {label_prefix: customer-}")
			}
		default:
			v.errf(rp, "unknown rule %q (known: %s)", r.Kind, knownRuleKinds)
			continue
		}
		if slices.Index(s.CustomerFrom, r) < i {
			v.errf(rp, "rule %s listed twice", r)
		}
	}
}

// nonEmpty reports empty strings in a list.
func (v *validator) nonEmpty(path string, list []string) {
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			v.errf(index(path, i), "must not be empty")
		}
	}
}
