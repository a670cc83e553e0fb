package sla

import (
	"testing"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// TestCalendarsFor: which calendar a clock counts its time left on.
func TestCalendarsFor(t *testing.T) {
	cals, err := NewCalendars(&config.Config{
		Sources: []config.Source{
			{Name: "jsm", Type: config.TypeJira},
			{Name: "zd", Type: config.TypeZendesk},
		},
		Calendars: map[string]config.Calendar{"vil": testCalendars()["vil"]},
	})
	if err != nil {
		t.Fatal(err)
	}
	office := config.Policy{SLA: config.SLAPolicy{Calendar: "vil"}}
	allDay := config.Policy{SLA: config.SLAPolicy{Calendar: config.Calendar24x7}}
	var unknownCustomer config.Policy
	for _, tc := range []struct {
		name   string
		source string
		origin string
		policy *config.Policy
		want   *Calendar
	}{
		{"JSM's own clock: the policy calendar", "jsm", ticket.OriginNative, &office, cals.Named("vil")},
		{"JSM's own clock, no calendar in the policy: 24x7", "jsm", ticket.OriginNative, &allDay, cals.Named(config.Calendar24x7)},
		{"Zendesk's own clock: wall time, as Zendesk's badge shows it", "zd", ticket.OriginNative, &office, nil},
		{"a computed clock on a Zendesk source: the policy calendar", "zd", ticket.OriginComputed, &office, cals.Named("vil")},
		{"a computed clock on a JSM source", "jsm", ticket.OriginComputed, &office, cals.Named("vil")},
		{"a customer without a policy: wall time", "jsm", ticket.OriginNative, &unknownCustomer, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := &ticket.Ticket{Source: tc.source}
			k := &ticket.Clock{Name: ticket.SLAResolution, Origin: tc.origin}
			if got := cals.For(tk, k, tc.policy); got != tc.want {
				t.Errorf("got %p, want %p", got, tc.want)
			}
		})
	}
	if cals.Named("vil") == nil || cals.Named(config.Calendar24x7) == nil {
		t.Fatal("calendars missing")
	}
	if _, err := NewCalendars(&config.Config{Calendars: map[string]config.Calendar{"bad": {Timezone: "Nowhere/Else", Hours: map[string]string{"mon": "09:00-17:00"}}}}); err == nil {
		t.Error("a calendar with an unknown zone: no error")
	}
}
