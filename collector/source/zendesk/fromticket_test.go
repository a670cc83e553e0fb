package zendesk

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// TestFromTicketRoundTrip serves a normalized ticket through the fake's wire format (what the
// demo does with the simulator's tickets) and reads it back with the source.
func TestFromTicketRoundTrip(t *testing.T) {
	created := t0.Add(-6 * time.Hour)
	in := &ticket.Ticket{
		Source: "zendesk", Key: "4242", Summary: "payments failing",
		Priority: ticket.P1, State: ticket.StateWaitingPartner, Channel: ticket.ChannelAgent,
		Created: created, Updated: t0.Add(-time.Hour),
		Incident: true, Escalated: true,
		Attributes: ticket.Attributes{Labels: []string{"customer-northwind"}, Organizations: []ticket.Organization{{ID: "360001"}}},
		CSAT:       ticket.CSATGood, CSATAt: t0.Add(-90 * time.Minute),
		Clocks: []ticket.Clock{
			{Name: ticket.SLAFirstResponse, Cycles: []ticket.Cycle{{
				Start: created, Stop: created.Add(30 * time.Minute), Goal: time.Hour, Elapsed: 30 * time.Minute,
			}}},
			{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{
				Start: created, Goal: 8 * time.Hour, BreachAt: created.Add(10 * time.Hour),
			}}},
		},
	}
	h := newHarness(t, zendeskfake.Options{}, nil)
	zt, evs := zendeskfake.FromTicket(in)
	h.fake.Put(zt)
	h.fake.PutEvents(evs...)
	h.mustPoll(t)

	got, ok := h.st.Get("4242")
	if !ok {
		t.Fatal("ticket 4242 not stored")
	}
	if got.Priority != in.Priority || got.State != in.State || got.Channel != in.Channel || !got.Incident || !got.Escalated ||
		got.CSAT != in.CSAT || !got.CSATAt.Equal(in.CSATAt) || got.Attributes.Organizations[0].ID != "360001" {
		t.Errorf("got %+v,\nwant the fields of %+v", got, in)
	}
	fr, _ := got.Clock(ticket.SLAFirstResponse)
	if len(fr.Cycles) != 1 || fr.Cycles[0].Running() || fr.Cycles[0].Breached || !fr.Cycles[0].Stop.Equal(created.Add(30*time.Minute)) {
		t.Errorf("first_response: got %+v, want met at +30m", fr.Cycles)
	}
	res, _ := got.Clock(ticket.SLAResolution)
	if len(res.Cycles) != 1 || !res.Cycles[0].Running() || !res.Cycles[0].BreachAt.Equal(created.Add(10*time.Hour)) {
		t.Errorf("resolution: got %+v, want running, breach at %v", res.Cycles, created.Add(10*time.Hour))
	}
	if !got.FirstReply.Equal(created.Add(30 * time.Minute)) {
		t.Errorf("first reply: got %v, want %v", got.FirstReply, created.Add(30*time.Minute))
	}
}
