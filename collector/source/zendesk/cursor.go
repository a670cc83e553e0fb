package zendesk

import (
	"encoding/json"
	"time"
)

// cursorVersion changes when the encoding does; an unknown version restarts the sync.
const cursorVersion = 1

// Bounds of the events kept for tickets the store does not hold yet.
const (
	maxPending  = 5000
	maxBusiness = 20000
	pendingTTL  = 24 * time.Hour
)

// cursorState is the source's cursor, stored with the tickets in every batch (JSON).
type cursorState struct {
	V int `json:"v"`
	// Tickets is the incremental export's after_cursor; empty before the first sync, which
	// starts from start_time instead.
	Tickets string `json:"tickets,omitempty"`
	// Events is the start_time (Unix seconds) of the next metric events request; EventsSeen the
	// ids of events at that very second already applied (time-based pages overlap on it).
	Events     int64   `json:"events_start,omitempty"`
	EventsSeen []int64 `json:"events_seen,omitempty"`
	// Ratings is the start_time of the next satisfaction ratings request.
	Ratings int64 `json:"ratings_start,omitempty"`
	// Pending holds events for tickets not in the store yet: the ticket export leaves out the
	// last minute, the metric events do not, so a new ticket's first events often come first.
	Pending []apiMetricEvent `json:"pending,omitempty"`
	// Business lists the metric instances ("ticket/metric/instance") whose SLA counts business
	// hours, from apply_sla until update_status: the stored Cycle cannot say so, and the verdict
	// at fulfilment depends on it.
	Business []string `json:"business_hours,omitempty"`
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
	return c, true
}

func (c cursorState) encode() []byte {
	c.V = cursorVersion
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return b
}
