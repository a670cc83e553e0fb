package snapshot

import (
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// ageingThreshold is the age from which an open ticket counts toward the ageing risk factor;
// the lower bound of the 7d_30d bucket.
const ageingThreshold = 7 * 24 * time.Hour

// addBacklog counts an open ticket by priority p: state, age bucket, oldest creation, escalations
// and incidents.
func (b *builder) addBacklog(c *Customer, a *customerAcc, t *ticket.Ticket, p int) {
	c.Open[p][openStateIndex(t.State)]++

	// A ticket created after now (clock skew between systems) is taken as brand new.
	age := max(b.now.Sub(t.Created), 0)
	bucket := ageBucket(age)
	c.Age[p][bucket]++
	if below := catalog.AgeBuckets[bucket].Below; below > 0 {
		a.soon(nanos(t.Created.Add(below))) // it moves to the next bucket then
	}
	c.OldestCreated[p] = earliest(c.OldestCreated[p], t.Created)
	if t.Escalated {
		c.Escalated[p]++
	}
	if t.Incident {
		c.Incidents[p]++
	}
	a.open++
	if age >= ageingThreshold {
		a.openOver7d++
	} else {
		a.soon(nanos(t.Created.Add(ageingThreshold)))
	}
}

// openStateIndex is the index of s in ticket.OpenStates. An open state the model does not know
// counts as in_progress, as sources map an unknown status.
func openStateIndex(s ticket.State) int {
	switch s {
	case ticket.StateNew:
		return 0
	case ticket.StateWaitingCustomer:
		return 2
	case ticket.StateWaitingPartner:
		return 3
	}
	return 1
}

// ageBucket is the index in catalog.AgeBuckets of an age: the first bucket whose upper bound is above
// it, so lower bounds are inclusive (exactly 24h old is 1d_3d).
func ageBucket(age time.Duration) int {
	for i, bk := range catalog.AgeBuckets {
		if bk.Below == 0 || age < bk.Below {
			return i
		}
	}
	return len(catalog.AgeBuckets) - 1
}
