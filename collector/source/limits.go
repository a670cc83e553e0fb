package source

import "github.com/custops/custops/collector/ticket"

// Limited returns st with every ticket a batch upserts cut to the ticket limits (ticket.Clip,
// flagged truncated_field when cut): the poller writes through it, so no source can store an
// unbounded field however its vendor answers.
func Limited(st Store) Store { return limited{st} }

type limited struct{ Store }

func (l limited) Apply(b Batch) error {
	var clipped []*ticket.Ticket
	for i, t := range b.Upserts {
		if c := ticket.Clip(t); c != t {
			if clipped == nil {
				clipped = append([]*ticket.Ticket(nil), b.Upserts...) // the caller's slice stays as it was
			}
			clipped[i] = c
		}
	}
	if clipped != nil {
		b.Upserts = clipped
	}
	return l.Store.Apply(b)
}
