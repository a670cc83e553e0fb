package sla

import (
	"fmt"
	"maps"
	"slices"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// Calendars are the business calendars of one configuration, each built once, and the rule that
// says which of them a clock counts its working time left on. Safe for concurrent use.
type Calendars struct {
	named map[string]*Calendar // by config name, config.Calendar24x7 included
	// wallClock holds the sources whose own clocks show the time left in wall-clock time.
	wallClock map[string]bool
}

// NewCalendars builds every calendar of cfg. It fails on a calendar the config package would
// reject, so a loaded configuration always succeeds.
func NewCalendars(cfg *config.Config) (*Calendars, error) {
	cs := &Calendars{named: map[string]*Calendar{config.Calendar24x7: TwentyFourSeven()}, wallClock: map[string]bool{}}
	if cfg == nil {
		return cs, nil
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Calendars)) {
		cal, err := NewCalendar(cfg.Calendars[name])
		if err != nil {
			return nil, fmt.Errorf("calendar %s: %w", name, err)
		}
		cs.named[name] = cal
	}
	for _, s := range cfg.Sources {
		cs.wallClock[s.Name] = s.Type == config.TypeZendesk
	}
	return cs, nil
}

// Named returns the calendar with the given config name (config.Calendar24x7 included), or nil.
func (cs *Calendars) Named(name string) *Calendar { return cs.named[name] }

// For returns the calendar clock k of ticket t counts its time left on, for a customer whose
// effective contract is p; nil means wall-clock time (what StatusAt counts without a calendar).
//
//   - A clock collector/sla computed: the policy's calendar, the one it was computed on.
//   - A JSM clock (a jira source's own): the policy's calendar, 24x7 when the policy names none.
//     JSM counts remainingTime in working time on the SLA goal's own calendar ("JSM calculates
//     minutes, hours, days, and weeks by using the working hours set in the associated calendar",
//     https://confluence.atlassian.com/servicemanagementserver0417/how-teams-see-slas-1072468255.html),
//     and the SLA field does not say which calendar that is
//     (https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-sla-get
//     has no calendar in SlaInformation): the contract's calendar is the one custops knows, and it
//     should be the one the JSM goal uses. When it is not, the breach still comes at JSM's
//     breachTime (see StatusAt); only the time left between polls is approximate.
//   - A Zendesk clock (a zendesk source's own): wall-clock time to Zendesk's breach instant,
//     because that is what Zendesk shows: "SLA badges always show calendar hours", also for a
//     business-hours target, so that a target due Monday reads "2 days" on Friday
//     (https://support.zendesk.com/hc/es/community/posts/4408868203034-SLA-badge-to-calculate-in-Business-hours).
func (cs *Calendars) For(t *ticket.Ticket, k *ticket.Clock, p *config.Policy) *Calendar {
	if k.Origin != ticket.OriginComputed && cs.wallClock[t.Source] {
		return nil
	}
	return cs.named[p.SLA.Calendar]
}
