package ticket

// MaxHistory bounds the state and handling histories kept per ticket; the oldest entries go
// first. A ticket that changes state more often than this keeps its most recent changes, which
// are the ones every window reads.
const MaxHistory = 64

// LastOf returns the last MaxHistory entries of h, copied when cut so the rest can be freed.
func LastOf[E any](h []E) []E {
	if len(h) <= MaxHistory {
		return h
	}
	return append([]E(nil), h[len(h)-MaxHistory:]...)
}

// Append returns a new history: h with e appended, cut to the last MaxHistory entries. h is not
// changed (a stored ticket's history may be shared with the snapshot).
func Append[E any](h []E, e E) []E {
	if len(h)+1 > MaxHistory {
		h = h[len(h)+1-MaxHistory:]
	}
	out := make([]E, 0, len(h)+1)
	return append(append(out, h...), e)
}

// CarryHandling is the handling history of t, a new version of prev (nil when t is new), when
// the source read the handling now, cur, but no history: prev's history, extended by cur dated
// at t.Updated when the handler changed; or cur since t.Created.
func CarryHandling(cur Handling, t, prev *Ticket) []Handling {
	if prev != nil && len(prev.Handling) > 0 {
		if prev.Handling[len(prev.Handling)-1].SameHandler(cur) {
			return prev.Handling
		}
		cur.At = t.Updated
		return Append(prev.Handling, cur)
	}
	cur.At = t.Created
	return []Handling{cur}
}
