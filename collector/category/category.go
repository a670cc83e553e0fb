// Package category says which support theme a ticket belongs to, by the category_from rules of
// its source: the JSM request type, the Zendesk ticket form, a custom field or a label/tag prefix,
// renamed by category_names. Like customer matching it reads the raw facts kept on the ticket
// (ticket.Attributes), so a config change re-categorizes every stored ticket at once.
//
// Top ranks categories for a customer: the snapshot's metric and the weekly report both name the
// same top N and fold the rest into catalog.CategoryOther, so the label stays bounded.
package category

import (
	"cmp"
	"slices"
	"strings"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// Rules categorizes tickets under one configuration. Safe for concurrent use; immutable.
type Rules struct {
	bySource map[string]sourceRules
}

type sourceRules struct {
	rules []config.CategoryRule
	names map[string]string
}

// New builds the rules of every source with a category_from.
func New(cfg *config.Config) *Rules {
	r := &Rules{bySource: map[string]sourceRules{}}
	if cfg == nil {
		return r
	}
	for _, s := range cfg.Sources {
		if len(s.CategoryFrom) > 0 {
			r.bySource[s.Name] = sourceRules{rules: s.CategoryFrom, names: s.CategoryNames}
		}
	}
	return r
}

// Enabled reports whether any source categorizes its tickets: without it there is no theme
// breakdown to show or export.
func (r *Rules) Enabled() bool { return len(r.bySource) > 0 }

// Of returns the ticket's category: the first rule of its source that yields a value, renamed by
// category_names; catalog.CategoryUncategorized when none does.
func (r *Rules) Of(t *ticket.Ticket) string {
	sr, ok := r.bySource[t.Source]
	if !ok {
		return catalog.CategoryUncategorized
	}
	for _, rule := range sr.rules {
		if raw := rawValue(t, rule); raw != "" {
			if name, ok := sr.names[raw]; ok {
				return name
			}
			return raw
		}
	}
	return catalog.CategoryUncategorized
}

// rawValue is what one rule reads from the ticket, trimmed; "" when nothing.
func rawValue(t *ticket.Ticket, rule config.CategoryRule) string {
	a := &t.Attributes
	switch rule.Kind {
	case config.CategoryRequestType:
		return strings.TrimSpace(a.Fields[ticket.FieldRequestType])
	case config.CategoryTicketForm:
		return strings.TrimSpace(a.Fields[ticket.FieldTicketForm])
	case config.CategoryField:
		return strings.TrimSpace(a.Fields[rule.Field])
	case config.CategoryLabelPrefix:
		for _, l := range a.Labels {
			if rest, ok := strings.CutPrefix(l, rule.Prefix); ok && strings.TrimSpace(rest) != "" {
				return strings.TrimSpace(rest)
			}
		}
	}
	return ""
}

// Count is a category with its number of tickets.
type Count struct {
	Name  string
	Count int
}

// Top returns the n categories with the most tickets, most first, ties by name, and the rest
// summed as catalog.CategoryOther (last, only when it has tickets). Categories with no ticket
// are left out. A real category that happens to be named like catalog.CategoryOther is folded
// into it, so the label never holds the same value twice.
func Top(counts map[string]int, n int) []Count {
	all := make([]Count, 0, len(counts))
	for name, c := range counts {
		if c > 0 && name != catalog.CategoryOther {
			all = append(all, Count{name, c})
		}
	}
	slices.SortFunc(all, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
	})
	other := counts[catalog.CategoryOther]
	if len(all) > n {
		for _, c := range all[n:] {
			other += c.Count
		}
		all = all[:n]
	}
	if other > 0 {
		all = append(all, Count{catalog.CategoryOther, other})
	}
	return all
}
