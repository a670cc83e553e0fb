package ticket

import (
	"maps"
	"slices"
	"unicode/utf8"
)

// Limits on what a stored ticket holds. A vendor's ticket is text somebody typed or a script
// wrote, and an uncut field would live in memory as long as the ticket and in every page that
// lists it. The limits are far above what a desk uses (Jira caps a summary at
// 255 characters) and a ticket past one is kept, cut, and flagged QualityTruncatedField.
const (
	MaxSummaryBytes    = 1024 // 255 characters of up to four bytes each, and a margin
	MaxLabels          = 100  // Jira labels / Zendesk tags
	MaxOrganizations   = 50   // JSM organizations of one request
	MaxFieldValueBytes = 256  // a custom field value a customer_from rule reads
	MaxNameBytes       = 256  // one label, organization name or id, status name, reporter domain
	MaxURLBytes        = 2048
)

// Clip returns t when it is within the limits, else a copy cut to them and flagged
// QualityTruncatedField. t itself is never modified: it may be shared.
func Clip(t *Ticket) *Ticket {
	if !overLimits(t) {
		return t
	}
	c := *t
	c.Summary = cutString(c.Summary, MaxSummaryBytes)
	c.URL = cutString(c.URL, MaxURLBytes)
	c.Status = cutString(c.Status, MaxNameBytes)
	a := &c.Attributes
	a.Project = cutString(a.Project, MaxNameBytes)
	a.ReporterDomain = cutString(a.ReporterDomain, MaxNameBytes)
	a.Labels = slices.Clone(a.Labels[:min(len(a.Labels), MaxLabels)])
	for i, l := range a.Labels {
		a.Labels[i] = cutString(l, MaxNameBytes)
	}
	a.Organizations = slices.Clone(a.Organizations[:min(len(a.Organizations), MaxOrganizations)])
	for i, o := range a.Organizations {
		a.Organizations[i] = Organization{ID: cutString(o.ID, MaxNameBytes), Name: cutString(o.Name, MaxNameBytes)}
	}
	if a.Fields != nil {
		a.Fields = maps.Clone(a.Fields)
		for k, v := range a.Fields {
			a.Fields[k] = cutString(v, MaxFieldValueBytes)
		}
	}
	if !slices.Contains(c.Quality, QualityTruncatedField) {
		c.Quality = append(slices.Clone(c.Quality), QualityTruncatedField)
	}
	return &c
}

func overLimits(t *Ticket) bool {
	a := &t.Attributes
	if len(t.Summary) > MaxSummaryBytes || len(t.URL) > MaxURLBytes || len(t.Status) > MaxNameBytes ||
		len(a.Project) > MaxNameBytes || len(a.ReporterDomain) > MaxNameBytes ||
		len(a.Labels) > MaxLabels || len(a.Organizations) > MaxOrganizations {
		return true
	}
	for _, l := range a.Labels {
		if len(l) > MaxNameBytes {
			return true
		}
	}
	for _, o := range a.Organizations {
		if len(o.ID) > MaxNameBytes || len(o.Name) > MaxNameBytes {
			return true
		}
	}
	for _, v := range a.Fields {
		if len(v) > MaxFieldValueBytes {
			return true
		}
	}
	return false
}

// cutString returns at most n bytes of s, never splitting a UTF-8 sequence.
func cutString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
