package store

import (
	"sort"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Expired returns the sorted keys of the source's tickets the retention drops at cutoff: those
// resolved or closed whose last activity (LastActivity) is before cutoff. An open ticket is
// never expired, however old; a resolved ticket reopened, answered or updated since cutoff is
// kept. The caller deletes them with the source's Apply, so they leave memory and disk in one
// transaction like any other change, and a ticket the vendor changes later comes back with its
// next poll.
func (s *Store) Expired(source string, cutoff time.Time) []string {
	s.mu.RLock()
	var keys []string
	if st, ok := s.sources[source]; ok {
		for k, t := range st.tickets {
			if !t.Open() && LastActivity(t).Before(cutoff) {
				keys = append(keys, k)
			}
		}
	}
	s.mu.RUnlock()
	sort.Strings(keys)
	return keys
}

// LastActivity is the latest instant a ticket's numbers read: its update, creation, first reply,
// resolution, reopen, satisfaction answer and the stop of any SLA cycle. Sources set Updated to
// the vendor's own last change, but a merged event (a Zendesk metric event) may be later.
func LastActivity(t *ticket.Ticket) time.Time {
	last := t.Updated
	for _, at := range []time.Time{t.Created, t.FirstReply, t.Resolved, t.ReopenedAt, t.CSATAt} {
		if at.After(last) {
			last = at
		}
	}
	for _, k := range t.Clocks {
		for _, y := range k.Cycles {
			if y.Stop.After(last) {
				last = y.Stop
			}
		}
	}
	return last
}
