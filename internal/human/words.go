package human

import (
	"fmt"
	"strings"
	"time"
)

// The words people read for the model's label values. Pages and the report use these, never the
// raw values: "First response", not first_response; "P1", not p1.

// slaWords name the well-known SLAs (catalog.SLAFirstResponse, catalog.SLAResolution).
var slaWords = map[string]string{
	"first_response": "First response",
	"resolution":     "Resolution",
}

// contractSuffix marks a clock the contract computes next to the source's own (sla: both).
const contractSuffix = "_contract"

// SLA names an SLA for people: first_response -> First response, resolution_contract ->
// Resolution (contract), time_to_triage -> Time to triage.
func SLA(name string) string {
	base, contract := strings.CutSuffix(name, contractSuffix)
	w, ok := slaWords[base]
	if !ok {
		w = sentence(base)
	}
	if contract {
		return w + " (contract)"
	}
	return w
}

// Priority names a priority: p1 -> P1.
func Priority(p string) string { return strings.ToUpper(p) }

// stateWords name the normalized states (catalog State* values) for an internal reader.
var stateWords = map[string]string{
	"new":              "New",
	"in_progress":      "In progress",
	"waiting_customer": "Waiting for the customer",
	"waiting_partner":  "Waiting for a third party",
	"resolved":         "Resolved",
	"closed":           "Closed",
}

// State names a normalized state: waiting_customer -> Waiting for the customer.
func State(s string) string {
	if w, ok := stateWords[s]; ok {
		return w
	}
	return sentence(s)
}

// Percent writes a ratio with one decimal: 0.9512 -> 95.1%.
func Percent(ratio float64) string { return fmt.Sprintf("%.1f%%", ratio*100) }

// Time writes an instant in loc with a numeric date layout (config.DateFormats) and the zone's
// abbreviation, so every time on a page says its zone: 23.11.2026 09:00 EET.
func Time(t time.Time, loc *time.Location, dateLayout string) string {
	return t.In(loc).Format(dateLayout + " 15:04 MST")
}

// Date writes the day of an instant in loc: 23.11.2026.
func Date(t time.Time, loc *time.Location, dateLayout string) string {
	return t.In(loc).Format(dateLayout)
}

// Zone names a zone with its offset at t: Europe/Vilnius (UTC+02:00).
func Zone(loc *time.Location, t time.Time) string {
	return loc.String() + " (UTC" + t.In(loc).Format("-07:00") + ")"
}

// sentence turns snake_case into a sentence: time_to_triage -> Time to triage.
func sentence(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Tier names a tier: gold -> Gold.
func Tier(t string) string { return sentence(t) }

// clockWords name an SLA clock's state at an instant (sla.State values and the pages' stopped),
// as the ticket lists show it.
var clockWords = map[string]string{
	"at_risk":  "at risk",
	"breached": "breached",
	"running":  "running",
	"paused":   "paused",
	"met":      "met",
	"stopped":  "stopped",
}

// ClockState names an SLA clock's state: at_risk -> at risk.
func ClockState(s string) string {
	if w, ok := clockWords[s]; ok {
		return w
	}
	return strings.ReplaceAll(s, "_", " ")
}
