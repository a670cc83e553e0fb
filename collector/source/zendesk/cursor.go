package zendesk

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// cursorVersion changes when the encoding does; an unknown version restarts the sync. Fields
// added since version 1 are optional, and the two version-1 fields that changed meaning
// (events_seen, business_hours) are read once and migrated (migrate), so an upgrade resumes.
const cursorVersion = 1

// Bounds of what the cursor keeps.
const (
	maxPending   = 5000  // events for tickets the store does not hold yet
	maxInstances = 20000 // metric instances whose state outlives a batch
	maxApplied   = 20000 // ids of events applied at or after the events cursor
	maxSchedules = 50000 // tickets a trigger set a schedule on
	pendingTTL   = 24 * time.Hour
)

// cursorState is the source's cursor, stored with the tickets in every batch (JSON).
type cursorState struct {
	V int `json:"v"`
	// Tickets is the incremental export's after_cursor to send next; empty before the first
	// sync, which starts from start_time instead. TicketsGood is the last cursor Zendesk
	// answered, the fallback when Tickets is refused; TicketsTime the newest generated_timestamp
	// applied (never past Zendesk's clock less cursorMargin), where a time-based restart begins.
	Tickets     string `json:"tickets,omitempty"`
	TicketsGood string `json:"tickets_good,omitempty"`
	TicketsTime int64  `json:"tickets_time,omitempty"`
	// OldOpenDone says the first sync read the open tickets older than the export's start.
	OldOpenDone bool `json:"old_open_done,omitempty"`
	// Events is the start_time (Unix seconds) of the next metric events request; Applied the
	// events at or after it that were applied already (requests overlap from there).
	Events  int64          `json:"events_start,omitempty"`
	Applied []appliedEvent `json:"events_applied,omitempty"`
	// Ratings is the start_time of the next satisfaction ratings request.
	Ratings int64 `json:"ratings_start,omitempty"`
	// Pending holds events for tickets not in the store yet: the ticket export leaves out the
	// last minute, the metric events do not, so a new ticket's first events often come first.
	Pending []apiMetricEvent `json:"pending,omitempty"`
	// Instances holds what a metric instance's stored Cycle cannot say, while it matters: that
	// its SLA counts business hours, and Zendesk's live breach event.
	Instances []instanceState `json:"instances,omitempty"`
	// TicketEvents is the start_time of the next ticket event export request (schedule
	// assignments); Schedules the schedule a trigger set on each ticket ("ticket id": schedule).
	TicketEvents int64 `json:"ticket_events_start,omitempty"`
	// Backfill is the start_time of the next page of the event export the history backfill
	// reads (the first sync's last 30 days, a few pages a poll; teams.go); 0 when done.
	Backfill    int64            `json:"history_backfill,omitempty"`
	Schedules   []ticketSchedule `json:"ticket_schedules,omitempty"`
	OldSeen     []int64          `json:"events_seen,omitempty"`    // version 1: ids applied at events_start
	OldBusiness []string         `json:"business_hours,omitempty"` // version 1: business-hours instance keys
}

// appliedEvent is an event applied already: its id, time and whether it was a deletion (the
// same breach event comes again as deleted when Zendesk invalidates it).
type appliedEvent struct {
	ID      int64 `json:"i"`
	T       int64 `json:"t"`
	Deleted bool  `json:"d,omitempty"`
}

// instanceState is one metric instance's state beyond its Cycle (see Instances).
type instanceState struct {
	Key      string `json:"k"` // businessKey: "ticket/metric/instance"
	Business bool   `json:"b,omitempty"`
	Breach   int64  `json:"x,omitempty"` // Unix instant of Zendesk's live breach event; 0: none
}

// ticketSchedule is the schedule a trigger set on a ticket, at At.
type ticketSchedule struct {
	Ticket   int64 `json:"t"`
	Schedule int64 `json:"s"`
	At       int64 `json:"a"`
}

// decodeCursor reads a stored cursor; nil, garbage or another version means a fresh sync.
func decodeCursor(b []byte) (cursorState, bool) {
	var c cursorState
	if len(b) == 0 {
		return cursorState{V: cursorVersion}, true
	}
	if err := json.Unmarshal(b, &c); err != nil || c.V != cursorVersion {
		return cursorState{V: cursorVersion}, false
	}
	c.migrate()
	return c, true
}

// migrate reads the version-1 fields into their successors.
func (c *cursorState) migrate() {
	for _, id := range c.OldSeen {
		c.Applied = append(c.Applied, appliedEvent{ID: id, T: c.Events})
	}
	for _, k := range c.OldBusiness {
		c.Instances = append(c.Instances, instanceState{Key: k, Business: true})
	}
	c.OldSeen, c.OldBusiness = nil, nil
}

func (c cursorState) encode() []byte {
	c.V = cursorVersion
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return b
}

// appliedSet is the events applied at or after the events cursor, by id and deletion.
type appliedSet map[appliedEvent]bool

func newAppliedSet(list []appliedEvent) appliedSet {
	s := appliedSet{}
	for _, a := range list {
		s[a] = true
	}
	return s
}

func (s appliedSet) key(ev apiMetricEvent) appliedEvent {
	return appliedEvent{ID: ev.ID, T: ev.Time.Unix(), Deleted: ev.Deleted}
}

// list keeps the events at or after start, newest last, at most maxApplied of them.
func (s appliedSet) list(start int64) []appliedEvent {
	var out []appliedEvent
	for a := range s {
		if a.T >= start {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b appliedEvent) int { return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.ID, b.ID)) })
	if n := len(out); n > maxApplied {
		out = out[n-maxApplied:]
	}
	return out
}

// instanceMap is Instances by key.
type instanceMap map[string]instanceState

func newInstanceMap(list []instanceState) instanceMap {
	m := instanceMap{}
	for _, st := range list {
		m[st.Key] = st
	}
	return m
}

// list returns the states sorted by key, at most maxInstances (past the cap the lexically first
// keys go: the oldest tickets, whose ids are smallest).
func (m instanceMap) list() []instanceState {
	keys := slices.Sorted(maps.Keys(m))
	if n := len(keys); n > maxInstances {
		keys = keys[n-maxInstances:]
	}
	out := make([]instanceState, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
