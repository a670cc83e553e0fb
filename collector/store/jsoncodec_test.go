package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// This file keeps the JSON candidate encoding that BenchmarkCodec measures against the binary
// codec the store uses (see codec.go): a private mirror of ticket.Ticket with short field names,
// empty fields omitted, times as Unix nanoseconds, source and key left out.

// record is the stored form of a ticket, without its source (the bucket) and key (the bbolt key).
type record struct {
	Summary        string                `json:"s,omitempty"`
	URL            string                `json:"u,omitempty"`
	Project        string                `json:"pj,omitempty"`
	Organizations  []ticket.Organization `json:"o,omitempty"`
	Fields         map[string]string     `json:"f,omitempty"`
	Labels         []string              `json:"l,omitempty"`
	ReporterDomain string                `json:"rd,omitempty"`
	Priority       ticket.Priority       `json:"p,omitempty"`
	State          ticket.State          `json:"st,omitempty"`
	Status         string                `json:"ss,omitempty"`
	Channel        ticket.Channel        `json:"ch,omitempty"`
	Created        int64                 `json:"c,omitempty"`
	Updated        int64                 `json:"up,omitempty"`
	Resolved       int64                 `json:"r,omitempty"`
	FirstReply     int64                 `json:"fr,omitempty"`
	Escalated      bool                  `json:"e,omitempty"`
	Incident       bool                  `json:"i,omitempty"`
	Reopened       int                   `json:"ro,omitempty"`
	ReopenedAt     int64                 `json:"ra,omitempty"`
	CSAT           ticket.CSAT           `json:"cs,omitempty"`
	CSATAt         int64                 `json:"ca,omitempty"`
	Clocks         []clockRecord         `json:"k,omitempty"`
	Quality        []string              `json:"q,omitempty"`
}

// clockRecord is the stored form of a ticket.Clock.
type clockRecord struct {
	Name   string        `json:"n"`
	Origin string        `json:"o,omitempty"`
	Cycles []cycleRecord `json:"c,omitempty"`
}

// cycleRecord is the stored form of a ticket.Cycle.
type cycleRecord struct {
	Start      int64 `json:"s,omitempty"`
	Stop       int64 `json:"t,omitempty"`
	Goal       int64 `json:"g,omitempty"`
	Elapsed    int64 `json:"e,omitempty"`
	BreachAt   int64 `json:"b,omitempty"`
	Breached   bool  `json:"x,omitempty"`
	Paused     bool  `json:"p,omitempty"`
	ObservedAt int64 `json:"o,omitempty"`
}

// errJSONTimeRange is wrapped by encode for a time that the store cannot represent.
var errJSONTimeRange = errors.New("time outside the range the store can hold (1678-2262, not the Unix epoch itself)")

// nanos encodes a time as Unix nanoseconds, 0 for the zero time. Integers decode several times
// faster than RFC 3339 strings. The price is the range, which no ticketing system leaves, and the
// Unix epoch instant itself, which would read back as "unset" and is rejected instead.
func nanos(t time.Time, field string) (int64, error) {
	if t.IsZero() {
		return 0, nil
	}
	if t.Before(time.Unix(0, math.MinInt64)) || t.After(time.Unix(0, math.MaxInt64)) {
		return 0, fmt.Errorf("%s %s: %w", field, t.Format(time.RFC3339Nano), errJSONTimeRange)
	}
	n := t.UnixNano()
	if n == 0 {
		return 0, fmt.Errorf("%s %s: %w", field, t.Format(time.RFC3339Nano), errJSONTimeRange)
	}
	return n, nil
}

// fromNanos is the inverse of nanos. Times come back in UTC without a monotonic reading: the store
// keeps instants, and UTC needs no per-value *time.Location (a fixed zone would cost an allocation
// per time).
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// timeEncoder collects the first error of a series of nanos calls, so toRecord reads as a list.
type timeEncoder struct{ err error }

func (e *timeEncoder) nanos(t time.Time, field string) int64 {
	n, err := nanos(t, field)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n
}

// toRecord builds the stored form of t. The record shares t's slices and map: it is encoded or
// copied by fromRecord, never kept.
func toRecord(t *ticket.Ticket) (*record, error) {
	var te timeEncoder
	r := &record{
		Summary:        t.Summary,
		URL:            t.URL,
		Project:        t.Attributes.Project,
		Organizations:  t.Attributes.Organizations,
		Fields:         t.Attributes.Fields,
		Labels:         t.Attributes.Labels,
		ReporterDomain: t.Attributes.ReporterDomain,
		Priority:       t.Priority,
		State:          t.State,
		Status:         t.Status,
		Channel:        t.Channel,
		Created:        te.nanos(t.Created, "created"),
		Updated:        te.nanos(t.Updated, "updated"),
		Resolved:       te.nanos(t.Resolved, "resolved"),
		FirstReply:     te.nanos(t.FirstReply, "first_reply"),
		Escalated:      t.Escalated,
		Incident:       t.Incident,
		Reopened:       t.Reopened,
		ReopenedAt:     te.nanos(t.ReopenedAt, "reopened_at"),
		CSAT:           t.CSAT,
		CSATAt:         te.nanos(t.CSATAt, "csat_at"),
		Quality:        t.Quality,
	}
	if len(t.Clocks) > 0 {
		r.Clocks = make([]clockRecord, len(t.Clocks))
		for i, c := range t.Clocks {
			cr := clockRecord{Name: c.Name, Origin: c.Origin}
			if len(c.Cycles) > 0 {
				cr.Cycles = make([]cycleRecord, len(c.Cycles))
				for j, y := range c.Cycles {
					field := "clock " + c.Name
					cr.Cycles[j] = cycleRecord{
						Start:      te.nanos(y.Start, field+" start"),
						Stop:       te.nanos(y.Stop, field+" stop"),
						Goal:       int64(y.Goal),
						Elapsed:    int64(y.Elapsed),
						BreachAt:   te.nanos(y.BreachAt, field+" breach_at"),
						Breached:   y.Breached,
						Paused:     y.Paused,
						ObservedAt: te.nanos(y.ObservedAt, field+" observed_at"),
					}
				}
			}
			r.Clocks[i] = cr
		}
	}
	if te.err != nil {
		return nil, te.err
	}
	return r, nil
}

// jsonDecode parses JSON bytes into a record.
func jsonDecode(b []byte) (*record, error) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// fromRecord builds the canonical in-memory ticket: repeated strings interned, slices allocated at
// their exact length and owned by the ticket, empty slices and maps nil, times in UTC. Apply and
// Open both go through it, so a ticket reads the same before and after a restart.
//
// The key is taken as a suffix of the URL when the URL ends with it (Jira /browse/SUP-1, Zendesk
// /tickets/35436), which saves its allocation.
//
// owned says the record's strings were allocated for it (decoded from disk) and may be kept; a
// record built by toRecord shares the caller's strings, which are copied so the store never pins
// a caller's buffer.
func fromRecord(src, key string, r *record, in *interner, owned bool) *ticket.Ticket {
	own := strings.Clone
	if owned {
		own = func(s string) string { return s }
	}
	t := &ticket.Ticket{
		Source:   in.intern(src),
		Summary:  own(r.Summary),
		URL:      own(r.URL),
		Priority: ticket.Priority(in.intern(string(r.Priority))),
		State:    ticket.State(in.intern(string(r.State))),
		Status:   in.intern(r.Status),
		Channel:  ticket.Channel(in.intern(string(r.Channel))),

		Created:    fromNanos(r.Created),
		Updated:    fromNanos(r.Updated),
		Resolved:   fromNanos(r.Resolved),
		FirstReply: fromNanos(r.FirstReply),
		Escalated:  r.Escalated,
		Incident:   r.Incident,
		Reopened:   r.Reopened,
		ReopenedAt: fromNanos(r.ReopenedAt),
		CSAT:       ticket.CSAT(in.intern(string(r.CSAT))),
		CSATAt:     fromNanos(r.CSATAt),
		Quality:    in.strings(r.Quality),
	}
	if n, k := len(t.URL), len(key); k > 0 && n >= k && t.URL[n-k:] == key {
		t.Key = t.URL[n-k:]
	} else {
		t.Key = own(key)
	}
	t.Attributes = ticket.Attributes{
		Project:        in.intern(r.Project),
		Labels:         in.strings(r.Labels),
		ReporterDomain: in.intern(r.ReporterDomain),
	}
	if len(r.Organizations) > 0 {
		orgs := make([]ticket.Organization, len(r.Organizations))
		for i, o := range r.Organizations {
			orgs[i] = ticket.Organization{ID: in.intern(o.ID), Name: in.intern(o.Name)}
		}
		t.Attributes.Organizations = orgs
	}
	if len(r.Fields) > 0 {
		fields := make(map[string]string, len(r.Fields))
		for k, v := range r.Fields {
			fields[in.intern(k)] = in.intern(v)
		}
		t.Attributes.Fields = fields
	}
	t.Clocks = clocksFromRecords(r.Clocks, in)
	return t
}

// clocksFromRecords converts clocks, with every cycle of the ticket in one backing array (fewer,
// better-fitting allocations); each clock's slice is capped so an append cannot spill into the
// next clock's cycles.
func clocksFromRecords(rs []clockRecord, in *interner) []ticket.Clock {
	if len(rs) == 0 {
		return nil
	}
	total := 0
	for _, c := range rs {
		total += len(c.Cycles)
	}
	var all []ticket.Cycle
	if total > 0 {
		all = make([]ticket.Cycle, total)
	}
	clocks := make([]ticket.Clock, len(rs))
	off := 0
	for i, c := range rs {
		clocks[i] = ticket.Clock{Name: in.intern(c.Name), Origin: in.intern(c.Origin)}
		if len(c.Cycles) == 0 {
			continue
		}
		cycles := all[off : off+len(c.Cycles) : off+len(c.Cycles)]
		off += len(c.Cycles)
		for j, y := range c.Cycles {
			cycles[j] = ticket.Cycle{
				Start:      fromNanos(y.Start),
				Stop:       fromNanos(y.Stop),
				Goal:       time.Duration(y.Goal),
				Elapsed:    time.Duration(y.Elapsed),
				BreachAt:   fromNanos(y.BreachAt),
				Breached:   y.Breached,
				Paused:     y.Paused,
				ObservedAt: fromNanos(y.ObservedAt),
			}
		}
		clocks[i].Cycles = cycles
	}
	return clocks
}

// strings returns a new slice of exactly len(ss) interned strings, or nil when ss is empty.
func (in *interner) strings(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = in.intern(s)
	}
	return out
}
