package snapshot

import (
	"slices"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// The data-quality checks by index, in output order: sorted by check name.
const (
	checkReporterEmailHidden = iota
	checkTruncatedField
	checkUnknownChannel
	checkUnknownPriority
	checkUnknownStatus
	checkUnmapped
	checkUnsupportedSLA
	numChecks
)

// checkName is the `check` label of a check index.
func checkName(i int) string {
	switch i {
	case checkReporterEmailHidden:
		return ticket.QualityReporterEmailHidden
	case checkTruncatedField:
		return ticket.QualityTruncatedField
	case checkUnknownChannel:
		return ticket.QualityUnknownChannel
	case checkUnknownPriority:
		return ticket.QualityUnknownPriority
	case checkUnknownStatus:
		return ticket.QualityUnknownStatus
	case checkUnsupportedSLA:
		return ticket.QualityUnsupportedSLA
	}
	return ticket.QualityUnmappedCustomer
}

// qualityCounts counts one source's tickets per check index.
type qualityCounts [numChecks]int

// count adds n (1, or -1 to take a ticket back out) to the checks the source flagged on t, once
// each even if listed twice. The unmapped check is the snapshot's own verdict, so a source's
// claim of it is ignored.
func (q *qualityCounts) count(t *ticket.Ticket, n int) {
	var seen [numChecks]bool
	for _, f := range t.Quality {
		i := -1
		switch f {
		case ticket.QualityReporterEmailHidden:
			i = checkReporterEmailHidden
		case ticket.QualityTruncatedField:
			i = checkTruncatedField
		case ticket.QualityUnknownChannel:
			i = checkUnknownChannel
		case ticket.QualityUnknownPriority:
			i = checkUnknownPriority
		case ticket.QualityUnknownStatus:
			i = checkUnknownStatus
		case ticket.QualityUnsupportedSLA:
			i = checkUnsupportedSLA
		}
		if i >= 0 && !seen[i] {
			seen[i] = true
			q[i] += n
		}
	}
}

// initQuality indexes the configured sources in name order, the order of the output.
func (b *builder) initQuality(sources []config.Source) {
	b.sources = sourceNames(sources)
	b.quality = make([]qualityCounts, len(b.sources))
}

// sourceNames returns the names of the sources, sorted, each once.
func sourceNames(sources []config.Source) []string {
	names := make([]string, 0, len(sources))
	for _, s := range sources {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	slices.Sort(names)
	return names
}

// dataQuality lists every source x check, zeros included, sorted by source then check.
func (b *builder) dataQuality() []DataQuality {
	out := make([]DataQuality, len(b.quality)*numChecks)
	for si, name := range b.sources {
		for ci := range numChecks {
			out[si*numChecks+ci] = DataQuality{Source: name, Check: checkName(ci), Count: b.quality[si][ci]}
		}
	}
	return out
}
