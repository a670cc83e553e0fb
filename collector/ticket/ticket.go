// Package ticket is the normalized model every source produces and every consumer reads: one
// Ticket type for Jira Service Management, Zendesk and the simulator alike.
package ticket

// The store's record codec (ticket_gen.go): MessagePack maps under the fields' JSON names, times as
// instants read back in UTC, array and map headers bounded so a damaged record cannot ask for
// gigabytes. Run `go generate ./collector/ticket` after changing a type in this file;
// TestGeneratedCodecUpToDate fails until then.
//go:generate go tool msgp -file ticket.go -o ticket_gen.go -io=false -tests=false -d "tag json" -d "timezone utc" -d "limit arrays:1048576 maps:65536"

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/collector/catalog"
)

// Priority is a normalized priority, p1 (most urgent) to p4.
type Priority string

// The normalized priorities. Sources map their own names onto these (config, with defaults for
// the stock Jira and Zendesk names); an unknown name maps to the configured default and the ticket
// is flagged with QualityUnknownPriority.
const (
	P1 Priority = catalog.PriorityP1
	P2 Priority = catalog.PriorityP2
	P3 Priority = catalog.PriorityP3
	P4 Priority = catalog.PriorityP4
)

// Priorities lists every priority in order, for emitting zero-valued series.
var Priorities = []Priority{P1, P2, P3, P4}

// Valid reports whether p is one of the normalized priorities.
func (p Priority) Valid() bool { return p == P1 || p == P2 || p == P3 || p == P4 }

// State is a normalized workflow state.
type State string

// The normalized states, mapped from each source's status (by Jira status category and Zendesk
// status by default, with per-status overrides in config).
const (
	StateNew             State = catalog.StateNew
	StateInProgress      State = catalog.StateInProgress
	StateWaitingCustomer State = catalog.StateWaitingCustomer
	StateWaitingPartner  State = catalog.StateWaitingPartner
	StateResolved        State = catalog.StateResolved
	StateClosed          State = catalog.StateClosed
)

// States lists every state in order. OpenStates lists the states that count as backlog.
var (
	States     = []State{StateNew, StateInProgress, StateWaitingCustomer, StateWaitingPartner, StateResolved, StateClosed}
	OpenStates = []State{StateNew, StateInProgress, StateWaitingCustomer, StateWaitingPartner}
)

// Valid reports whether s is one of the normalized states.
func (s State) Valid() bool {
	for _, v := range States {
		if s == v {
			return true
		}
	}
	return false
}

// Open reports whether a ticket in state s is part of the backlog.
func (s State) Open() bool { return s != StateResolved && s != StateClosed && s != "" }

// Channel is how a request reached the desk.
type Channel string

// The normalized channels. ChannelAgent means an agent raised the ticket on the customer's behalf:
// the request bypassed the official channels.
const (
	ChannelPortal Channel = catalog.ChannelPortal
	ChannelEmail  Channel = catalog.ChannelEmail
	ChannelAPI    Channel = catalog.ChannelAPI
	ChannelChat   Channel = catalog.ChannelChat
	ChannelPhone  Channel = catalog.ChannelPhone
	ChannelAgent  Channel = catalog.ChannelAgent
	ChannelOther  Channel = catalog.ChannelOther
)

// Channels lists every channel in order.
var Channels = []Channel{ChannelPortal, ChannelEmail, ChannelAPI, ChannelChat, ChannelPhone, ChannelAgent, ChannelOther}

// Valid reports whether c is one of the normalized channels.
func (c Channel) Valid() bool {
	for _, v := range Channels {
		if c == v {
			return true
		}
	}
	return false
}

// Well-known SLA names. Sources keep their own name for any other SLA (lowercased, snake_case).
const (
	SLAFirstResponse = catalog.SLAFirstResponse
	SLAResolution    = catalog.SLAResolution
)

// Data-quality checks a ticket can fail; counted per source, never dropped.
const (
	QualityUnmappedCustomer = catalog.CheckUnmappedCustomer // set by the snapshot, not by sources
	QualityUnknownPriority  = catalog.CheckUnknownPriority
	QualityUnknownStatus    = catalog.CheckUnknownStatus
	QualityUnknownChannel   = catalog.CheckUnknownChannel
	QualityTruncatedField   = catalog.CheckTruncatedField // set by Clip (limits.go)
	QualityUnsupportedSLA   = catalog.CheckUnsupportedSLA
	// QualityReporterEmailHidden: the reporter's email is withheld (privacy settings), so
	// reporter_domain rules cannot match the ticket.
	QualityReporterEmailHidden = catalog.CheckReporterEmailHidden
)

// Organization is a customer organization as the source names it: a JSM organization (Name only)
// or a Zendesk organization (ID and Name).
type Organization struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Owner is the value of the organization's owner field (a Zendesk organization field a
	// source's owner_field names) as of the ticket's last read: who owns the customer in the desk.
	Owner string `json:"owner,omitempty"`
}

// Attributes are the raw facts customer matching rules look at. They are kept on the ticket, not
// resolved at ingestion, so a config change re-maps tickets without a re-sync.
type Attributes struct {
	Project        string            `json:"project,omitempty"`         // Jira project key
	Organizations  []Organization    `json:"organizations,omitempty"`   // JSM organizations, Zendesk organization
	Fields         map[string]string `json:"fields,omitempty"`          // custom field id -> value, only fields a rule names
	Labels         []string          `json:"labels,omitempty"`          // Jira labels, Zendesk tags
	ReporterDomain string            `json:"reporter_domain,omitempty"` // lowercased domain of the reporter's email
}

// Cycle is one run of an SLA clock: from Start to Stop (zero while running), as the source read
// it. What a cycle is at a given instant (running, paused, at risk, breached, met, the working
// time left) is decided in one place, collector/sla.StatusAt; the Cycle only holds the facts.
//
// Elapsed is working time on the SLA's calendar as of ObservedAt, so Goal minus Elapsed is the
// working time that was left then (negative once breached). ObservedAt is the instant the source
// last read the clock: the poll that read a JSM SLA field, the last Zendesk metric event (activate,
// pause, fulfill) of the cycle, the poll instant of a clock collector/sla computed; a completed
// cycle's values are final and ObservedAt is its Stop. BreachAt is the wall-clock instant the goal
// is (or was) reached as the source projects it: JSM's breachTime, Zendesk's breach event or its
// projection, the engine's calendar walk; zero when unknown (for example while paused). Breached
// is the source's verdict when it read the clock (for a completed cycle, the final one).
type Cycle struct {
	Start      time.Time     `json:"start"`
	Stop       time.Time     `json:"stop,omitzero"`
	Goal       time.Duration `json:"goal"`
	Elapsed    time.Duration `json:"elapsed"`
	BreachAt   time.Time     `json:"breach_at,omitzero"`
	Breached   bool          `json:"breached,omitempty"`
	Paused     bool          `json:"paused,omitempty"`
	ObservedAt time.Time     `json:"observed_at,omitzero"`
}

// Running reports whether the cycle has not stopped.
func (c Cycle) Running() bool { return c.Stop.IsZero() }

// Clock origins: who measured a clock.
const (
	// OriginNative is a clock the source's vendor measured (JSM SLA fields, Zendesk metric events).
	OriginNative = "native"
	// OriginComputed is a clock collector/sla computed from the contract's policy and calendar.
	OriginComputed = "computed"
)

// Clock is a named SLA on a ticket with its cycles, oldest first; at most the last one runs.
// Origin says who measured it (OriginNative or OriginComputed); clocks computed next to a
// source's own (sla mode "both") are also named with the "_contract" suffix.
type Clock struct {
	Name   string  `json:"name"`
	Origin string  `json:"origin,omitempty"`
	Cycles []Cycle `json:"cycles"`
}

// Ongoing returns the running cycle, if any.
func (c Clock) Ongoing() (Cycle, bool) {
	if n := len(c.Cycles); n > 0 && c.Cycles[n-1].Running() {
		return c.Cycles[n-1], true
	}
	return Cycle{}, false
}

// Ticket is one support request, normalized. Tickets in the store are immutable: a change is a
// new *Ticket replacing the old one.
type Ticket struct {
	Source  string `json:"source"`  // the source's configured name (the `source` label)
	Key     string `json:"key"`     // unique within the source: "SUP-123", Zendesk id "35436"
	Summary string `json:"summary"` // free text: never a label
	URL     string `json:"url"`     // link to the ticket in its source's UI

	Attributes Attributes `json:"attributes"`
	// Former are the ticket's attributes when it was first read, kept while the current ones
	// differ (CarryFormer): a ticket moved to another organization or project. Nil when they
	// never changed.
	Former *Attributes `json:"former,omitempty"`

	Priority Priority `json:"priority"`
	State    State    `json:"state"`
	Status   string   `json:"status"` // the source's own status name, for display
	Channel  Channel  `json:"channel"`

	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Resolved   time.Time `json:"resolved,omitzero"`    // last resolution; zero while open
	FirstReply time.Time `json:"first_reply,omitzero"` // first public agent response, when known

	Escalated  bool      `json:"escalated,omitempty"`
	Incident   bool      `json:"incident,omitempty"`
	Reopened   int       `json:"reopened,omitempty"`   // times reopened after a resolution
	ReopenedAt time.Time `json:"reopened_at,omitzero"` // last reopen

	CSAT   CSAT      `json:"csat,omitempty"`
	CSATAt time.Time `json:"csat_at,omitzero"`

	Clocks  []Clock  `json:"clocks,omitempty"`
	Quality []string `json:"quality,omitempty"` // data-quality checks this ticket failed (Quality* constants)

	// Transitions is the state history, oldest first, when the source provides it (Jira
	// changelog, Zendesk audits or metric events, the simulator). Computed SLA clocks place pauses,
	// resolutions and reopens from it; without it they use Created, FirstReply and Resolved only.
	Transitions []Transition `json:"transitions,omitempty"`

	// Handling is who handled the ticket over time, oldest first, as its source names it: the
	// facts a team rule reads (collector/team), kept raw like Attributes so that a change of the
	// teams in config re-maps tickets without a re-sync. Each entry holds from At until the next;
	// the last is the ticket's handling now. Empty when the source reads no team facts (no team
	// rule names them).
	Handling []Handling `json:"handling,omitempty"`
}

// Transition is one state change of a ticket. Status is the source's own status name entered
// then, when the source read it (team rules may name statuses); a change of status within one
// state is a transition too when the source knows it.
type Transition struct {
	At     time.Time `json:"at"`
	State  State     `json:"state"`
	Status string    `json:"status,omitempty"`
}

// Handling is who handles a ticket from At on, as its source names it.
type Handling struct {
	At time.Time `json:"at"`
	// Group is the Zendesk group the ticket is assigned to: its id, and its name when known.
	GroupID string `json:"group_id,omitempty"`
	Group   string `json:"group,omitempty"`
	// Components are the Jira issue's components, by name.
	Components []string `json:"components,omitempty"`
	// Team is the value of the source's team_field (a Jira or Zendesk custom field).
	Team string `json:"team,omitempty"`
	// Linked are the keys of the linked Jira issues that are not done, in the projects a team
	// rule names (linked_project): work the ticket waits on elsewhere.
	Linked []string `json:"linked,omitempty"`
}

// SameHandler reports whether h and o name the same handler (At aside).
func (h Handling) SameHandler(o Handling) bool {
	return h.GroupID == o.GroupID && h.Group == o.Group && h.Team == o.Team &&
		slices.Equal(h.Components, o.Components) && slices.Equal(h.Linked, o.Linked)
}

// CSAT is a satisfaction answer: "" (none), "good" or "bad". JSM ratings 1-5 map to good at >= 4.
type CSAT string

// The CSAT answers.
const (
	CSATNone CSAT = ""
	CSATGood CSAT = catalog.RatingGood
	CSATBad  CSAT = catalog.RatingBad
)

// Open reports whether the ticket is part of the backlog.
func (t *Ticket) Open() bool { return t.State.Open() }

// Clock returns the ticket's clock with the given name, if any.
func (t *Ticket) Clock(name string) (Clock, bool) {
	for _, c := range t.Clocks {
		if c.Name == name {
			return c, true
		}
	}
	return Clock{}, false
}

// ID is the ticket's identity across sources: "source/key".
func (t *Ticket) ID() string { return t.Source + "/" + t.Key }

// EmailDomain returns the lowercased domain of an email address, or "".
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 || at == len(email)-1 {
		return ""
	}
	return strings.ToLower(email[at+1:])
}

// CarryFormer sets t.Former from prev, the stored version t replaces: the attributes t was first
// read with, kept until t has them again. Sources call it when they build a new version.
func CarryFormer(t, prev *Ticket) {
	switch {
	case prev == nil:
		t.Former = nil
	case prev.Former != nil:
		t.Former = prev.Former
		if sameAttributes(*t.Former, t.Attributes) {
			t.Former = nil // moved back
		}
	case !sameAttributes(prev.Attributes, t.Attributes):
		f := prev.Attributes
		t.Former = &f
	default:
		t.Former = nil
	}
}

// sameAttributes compares what customer rules read.
func sameAttributes(a, b Attributes) bool {
	return a.Project == b.Project && a.ReporterDomain == b.ReporterDomain &&
		slices.Equal(a.Organizations, b.Organizations) && slices.Equal(a.Labels, b.Labels) &&
		maps.Equal(a.Fields, b.Fields)
}
