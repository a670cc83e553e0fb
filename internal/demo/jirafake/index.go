package jirafake

import (
	"time"
)

// The search index. Jira Cloud's search (JSIS) is eventually consistent: "after a write
// operation is performed, subsequent search operations ... without the reconcileIssues parameter
// may return stale or outdated data instead of the most recent updates for some time. The delay
// might vary from a few seconds to minutes, depending on the operation. ... Operations that impact
// numerous issues, such as issue reordering or bulk editing, may require more time to appear in
// search." (https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/). The
// fake keeps what a search sees apart from the issues themselves: a write (Put, PutBulk,
// Delete) is indexed Options.IndexDelay (PutBulk: Options.BulkIndexDelay) after it, on the fake's
// clock. Until then a search finds the issue as it was last indexed, or not at all if it is new,
// unless the search names its id in reconcileIssues, which makes it answer for that issue from
// its latest write: included when it matches now, left out when it no longer does or is deleted.
// Everything else (changelogs, key validation) reads the issues themselves. With no delay set, a
// write is searchable at once.

// reindex is a write waiting to be indexed: at due, the key is indexed as the issue then is.
type reindex struct {
	key string
	due time.Time
}

// indexLater makes key's current state searchable after delay. Call with s.mu held.
func (s *Server) indexLater(key string, delay time.Duration) {
	if delay <= 0 {
		s.indexNow(key)
		return
	}
	s.pending = append(s.pending, reindex{key: key, due: s.opts.Now().Add(delay)})
}

// indexNow indexes key as the issue now is (absent: removed from the index). Call with s.mu held.
func (s *Server) indexNow(key string) {
	if st, ok := s.issues[key]; ok {
		s.indexed[key] = st
	} else {
		delete(s.indexed, key)
	}
	s.version++
}

// catchUp indexes the writes that are due. A reindex reads the issue as it is when it comes
// due, as a reindex reads the database: a later write that is due sooner is not undone by an
// earlier, slower one. Call with s.mu held.
func (s *Server) catchUp() {
	if len(s.pending) == 0 {
		return
	}
	now := s.opts.Now()
	kept := s.pending[:0]
	for _, p := range s.pending {
		if p.due.After(now) {
			kept = append(kept, p)
			continue
		}
		s.indexNow(p.key)
	}
	clear(s.pending[len(kept):])
	s.pending = kept
}

// Pending returns how many writes wait to be indexed, as of the fake's clock.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.catchUp()
	return len(s.pending)
}
