package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Report holds what the weekly report and the meeting page look like. Customers may override the
// time zone and the date format.
type Report struct {
	Title      string `yaml:"title"`       // the heading above the customer's name: Weekly support report
	LogoFile   string `yaml:"logo_file"`   // a PNG, JPEG or SVG embedded in every report; relative to the config file
	Timezone   string `yaml:"timezone"`    // IANA zone of the weeks and times, for customers without their own: UTC
	DateFormat string `yaml:"date_format"` // one of DateFormats: YYYY-MM-DD
}

// Report defaults.
const (
	DefaultTopCategories   = 5
	DefaultStaleAfterPolls = 3
	// MaxTopCategories bounds top_categories: the category metric's series per customer are
	// top_categories + 1.
	MaxTopCategories = 10
)

// DefaultReport is the report's starting point.
var DefaultReport = Report{Title: "Weekly support report", Timezone: "UTC", DateFormat: "YYYY-MM-DD"}

// DateFormats are the language-neutral date formats a report can use, by their config name, with
// the Go layout of each. All numeric, so no month name needs translating.
var DateFormats = map[string]string{
	"YYYY-MM-DD": "2006-01-02",
	"DD.MM.YYYY": "02.01.2006",
	"DD/MM/YYYY": "02/01/2006",
	"MM/DD/YYYY": "01/02/2006",
}

// dateFormatNames lists DateFormats' names in the order error messages show them.
var dateFormatNames = []string{"YYYY-MM-DD", "DD.MM.YYYY", "DD/MM/YYYY", "MM/DD/YYYY"}

// logoTypes are the image types a logo may be, by file extension, with their media type.
var logoTypes = map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}

// maxLogoBytes keeps the logo small: it is embedded in every page.
const maxLogoBytes = 256 << 10

// LogoMediaType returns the media type of a logo file by its extension, and whether it is one.
func LogoMediaType(path string) (string, bool) {
	t, ok := logoTypes[strings.ToLower(filepath.Ext(path))]
	return t, ok
}

// CategoryRuleKind names where a ticket's support category comes from.
type CategoryRuleKind string

// The category rule kinds. Written as a bare word in YAML, or as {field: id} / {label_prefix: p}.
const (
	CategoryRequestType CategoryRuleKind = "request_type" // JSM request type (jira sources)
	CategoryTicketForm  CategoryRuleKind = "ticket_form"  // Zendesk ticket form id (zendesk sources)
	CategoryField       CategoryRuleKind = "field"        // a custom field's value: {field: customfield_10060} or {field: "360012345"}
	CategoryLabelPrefix CategoryRuleKind = "label_prefix" // a label/tag with the prefix; the rest is the category: {label_prefix: "cat_"}
)

// CategoryRule is one entry of category_from.
type CategoryRule struct {
	Kind   CategoryRuleKind
	Field  string // for CategoryField
	Prefix string // for CategoryLabelPrefix
}

const knownCategoryRules = "request_type, ticket_form, {field: <id>}, {label_prefix: <prefix>}"

// UnmarshalYAML reads a category_from entry: request_type, ticket_form, {field: <id>} or
// {label_prefix: <prefix>}.
func (r *CategoryRule) UnmarshalYAML(node *yaml.Node) error {
	switch node.Kind {
	case yaml.ScalarNode:
		switch k := CategoryRuleKind(node.Value); k {
		case CategoryRequestType, CategoryTicketForm:
			*r = CategoryRule{Kind: k}
			return nil
		case CategoryField:
			return fmt.Errorf("rule field needs the field id: {field: customfield_10060}")
		case CategoryLabelPrefix:
			return fmt.Errorf("rule label_prefix needs the prefix: {label_prefix: cat_}")
		}
		return fmt.Errorf("unknown category rule %q (known: %s)", node.Value, knownCategoryRules)
	case yaml.MappingNode:
		if len(node.Content) != 2 {
			return fmt.Errorf("a rule mapping has exactly one key, like {field: customfield_10060}")
		}
		key, val := node.Content[0].Value, node.Content[1]
		if val.Kind != yaml.ScalarNode || strings.TrimSpace(val.Value) == "" {
			return fmt.Errorf("rule %s needs a non-empty value", key)
		}
		switch CategoryRuleKind(key) {
		case CategoryField:
			*r = CategoryRule{Kind: CategoryField, Field: val.Value}
			return nil
		case CategoryLabelPrefix:
			*r = CategoryRule{Kind: CategoryLabelPrefix, Prefix: val.Value}
			return nil
		}
		return fmt.Errorf("unknown category rule %q (known: %s)", key, knownCategoryRules)
	}
	return fmt.Errorf("expected a category rule (%s), got a %s", knownCategoryRules, kindName(node))
}

// MarshalYAML writes the rule in the form it is read in.
func (r CategoryRule) MarshalYAML() (any, error) {
	switch r.Kind {
	case CategoryField:
		return map[string]string{"field": r.Field}, nil
	case CategoryLabelPrefix:
		return map[string]string{"label_prefix": r.Prefix}, nil
	}
	return string(r.Kind), nil
}

// String formats the rule as it is written in YAML.
func (r CategoryRule) String() string {
	switch r.Kind {
	case CategoryField:
		return "{field: " + r.Field + "}"
	case CategoryLabelPrefix:
		return "{label_prefix: " + r.Prefix + "}"
	}
	return string(r.Kind)
}

// CategoryFields returns the custom field ids the source's category rules read, so the source
// keeps their values on the ticket (ticket.Attributes.Fields).
func (s Source) CategoryFields() []string {
	var ids []string
	for _, r := range s.CategoryFrom {
		if r.Kind == CategoryField && !slices.Contains(ids, r.Field) {
			ids = append(ids, r.Field)
		}
	}
	return ids
}

// HasCategoryRule reports whether the source's category_from names the kind.
func (s Source) HasCategoryRule(kind CategoryRuleKind) bool {
	return slices.ContainsFunc(s.CategoryFrom, func(r CategoryRule) bool { return r.Kind == kind })
}

// Zone returns the time zone of the customer's weeks and times: its own timezone, else
// report.timezone, else UTC. Validation guarantees the names load.
func (c *Config) Zone(customerID string) *time.Location {
	name := c.Report.Timezone
	if cu, ok := c.CustomerByID(customerID); ok && cu.Timezone != "" {
		name = cu.Timezone
	}
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

// DateLayout returns the Go layout of the customer's date format: its own, else
// report.date_format, else ISO 8601.
func (c *Config) DateLayout(customerID string) string {
	name := c.Report.DateFormat
	if cu, ok := c.CustomerByID(customerID); ok && cu.DateFormat != "" {
		name = cu.DateFormat
	}
	if l, ok := DateFormats[name]; ok {
		return l
	}
	return time.DateOnly
}

// UnmarshalYAML applies DefaultReport, then the file.
func (r *Report) UnmarshalYAML(node *yaml.Node) error {
	*r = DefaultReport
	type plain Report
	return node.Decode((*plain)(r))
}

// reportSettings checks the report's, the customers' and the sources' report keys.
func (v *validator) reportSettings(c *Config) {
	if c.TopCategories < 1 || c.TopCategories > MaxTopCategories {
		v.errf("top_categories", "must be between 1 and %d (each adds a series per customer), got %d", MaxTopCategories, c.TopCategories)
	}
	if c.StaleAfterPolls < 1 {
		v.errf("stale_after_polls", "must be at least 1 (poll intervals), got %d", c.StaleAfterPolls)
	}
	r := c.Report
	if strings.TrimSpace(r.Title) == "" {
		v.errf("report.title", "must not be empty")
	}
	v.zone("report.timezone", r.Timezone)
	v.dateFormat("report.date_format", r.DateFormat)
	if r.LogoFile != "" {
		v.logo("report.logo_file", r.LogoFile)
	}
	for i, cu := range c.Customers {
		p := index("customers", i)
		if cu.Timezone != "" {
			v.zone(p+".timezone", cu.Timezone)
		}
		if cu.DateFormat != "" {
			v.dateFormat(p+".date_format", cu.DateFormat)
		}
	}
	for i := range c.Sources {
		v.categoryRules(&c.Sources[i], index("sources", i))
	}
}

func (v *validator) zone(path, name string) {
	if _, err := time.LoadLocation(name); err != nil || name == "" || name == "Local" {
		v.errf(path, "unknown time zone %q (want an IANA name like Europe/Vilnius)", name)
	}
}

func (v *validator) dateFormat(path, name string) {
	if _, ok := DateFormats[name]; !ok {
		v.errf(path, "unknown date format %q %s", name, known(dateFormatNames))
	}
}

// logo checks that the logo is an image file of a known type, small enough to embed.
func (v *validator) logo(path, file string) {
	if _, ok := LogoMediaType(file); !ok {
		v.errf(path, "%q is not a PNG, JPEG or SVG file (by its extension)", file)
		return
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(filepath.Dir(v.file), file)
	}
	st, err := os.Stat(file)
	switch {
	case err != nil:
		v.errf(path, "cannot read the logo: %v", err)
	case st.IsDir():
		v.errf(path, "%s is a directory, not an image file", file)
	case st.Size() > maxLogoBytes:
		v.errf(path, "the logo is %d bytes; it is embedded in every page, so at most %d", st.Size(), maxLogoBytes)
	}
}

// categoryRules checks a source's category_from and category_names.
func (v *validator) categoryRules(s *Source, p string) {
	for i, r := range s.CategoryFrom {
		rp := index(p+".category_from", i)
		switch r.Kind {
		case CategoryRequestType:
			if s.Type != TypeJira {
				v.errf(rp, "rule request_type applies to jira sources only (Zendesk: ticket_form, a {field: <id>} or {label_prefix: <prefix>})")
			}
		case CategoryTicketForm:
			if s.Type != TypeZendesk {
				v.errf(rp, "rule ticket_form applies to zendesk sources only (Jira: request_type or a {field: <id>})")
			}
		case CategoryField, CategoryLabelPrefix:
		default:
			v.errf(rp, "unknown category rule %q (known: %s)", r.Kind, knownCategoryRules)
			continue
		}
		if slices.Index(s.CategoryFrom, r) < i {
			v.errf(rp, "rule %s listed twice", r)
		}
	}
	for _, raw := range sortedKeys(s.CategoryNames) {
		np := joinPath(p+".category_names", raw)
		if strings.TrimSpace(raw) == "" || strings.TrimSpace(s.CategoryNames[raw]) == "" {
			v.errf(np, "names a category: neither the value nor the name may be empty")
		}
	}
	if len(s.CategoryNames) > 0 && len(s.CategoryFrom) == 0 {
		v.errf(p+".category_names", "has no effect without category_from")
	}
}

// describeReport writes the report settings for `custops check`: the defaults, each source's
// category rules and each customer's own zone or date format.
func (c *Config) describeReport(p func(string, ...any)) {
	p("\nReports\n")
	p("  title\t%s\n", c.Report.Title)
	p("  logo\t%s\n", orDash(c.Report.LogoFile))
	p("  time zone\t%s\n", c.Report.Timezone)
	p("  date format\t%s\n", c.Report.DateFormat)
	p("  top categories\t%d\n", c.TopCategories)
	p("  stale after\t%d poll intervals\n", c.StaleAfterPolls)
	for _, s := range c.Sources {
		rules := make([]string, len(s.CategoryFrom))
		for i, r := range s.CategoryFrom {
			rules[i] = r.String()
		}
		p("  categories of %s\t%s\n", s.Name, orDash(strings.Join(rules, ", ")))
	}
	for _, cu := range c.Customers {
		if cu.Timezone != "" || cu.DateFormat != "" {
			p("  customer %s\t%s, %s\n", cu.ID, c.Zone(cu.ID), c.DateLayoutName(cu.ID))
		}
	}
}

// DateLayoutName returns the customer's date format as the config names it: DD.MM.YYYY.
func (c *Config) DateLayoutName(customerID string) string {
	if cu, ok := c.CustomerByID(customerID); ok && cu.DateFormat != "" {
		return cu.DateFormat
	}
	return c.Report.DateFormat
}
