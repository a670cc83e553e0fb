package config

import (
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

const policyYAML = `
sources: [{name: s, type: jira, url: "https://x.atlassian.net", auth: {token_env: T}}]
customers:
  - {id: plain, tier: gold}
  - id: custom
    tier: gold
    compliance_target: 0.99
    sla:
      calendar: 24x7
      pause_states: []
      goals:
        p1: {first_response: 10m}
        p4: {resolution: 2w}
  - id: nogoal
    tier: bare
tiers:
  gold:
    compliance_target: 0.9
    at_risk: 30m
    sla:
      calendar: office
      goals:
        p1: {first_response: 15m, resolution: 4h}
        p2: {first_response: 1h}
  bare:
calendars:
  office: {hours: {daily: "08:00-20:00"}}
`

func TestPolicy(t *testing.T) {
	cfg, err := Parse([]byte(policyYAML), "policy.yml")
	if err != nil {
		t.Fatal(err)
	}
	d := func(x time.Duration) Duration { return Duration(x) }
	cases := []struct {
		customer string
		want     Policy
	}{
		{"plain", Policy{
			ComplianceTarget: 0.9,
			AtRisk:           Threshold{Duration: 30 * time.Minute},
			SLA: SLAPolicy{
				Calendar: "office",
				Goals: map[ticket.Priority]map[string]Duration{
					"p1": {"first_response": d(15 * time.Minute), "resolution": d(4 * time.Hour)},
					"p2": {"first_response": d(time.Hour)},
				},
				PauseStates: []ticket.State{ticket.StateWaitingCustomer},
			},
		}},
		{"custom", Policy{
			ComplianceTarget: 0.99,
			AtRisk:           Threshold{Duration: 30 * time.Minute},
			SLA: SLAPolicy{
				Calendar: "24x7",
				Goals: map[ticket.Priority]map[string]Duration{
					"p1": {"first_response": d(10 * time.Minute), "resolution": d(4 * time.Hour)},
					"p2": {"first_response": d(time.Hour)},
					"p4": {"resolution": d(14 * 24 * time.Hour)},
				},
				PauseStates: []ticket.State{},
			},
		}},
		{"nogoal", Policy{
			ComplianceTarget: 0.95,
			AtRisk:           Threshold{Fraction: 0.25},
			SLA: SLAPolicy{
				Calendar:    "24x7",
				Goals:       map[ticket.Priority]map[string]Duration{},
				PauseStates: []ticket.State{ticket.StateWaitingCustomer},
			},
		}},
		{"unknown", Policy{}},
	}
	for _, tc := range cases {
		t.Run(tc.customer, func(t *testing.T) {
			got := cfg.Policy(tc.customer)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Policy(%q)\n got: %+v\nwant: %+v", tc.customer, got, tc.want)
			}
		})
	}

	// The result is a copy: changing it must not change the configuration.
	p := cfg.Policy("custom")
	p.SLA.Goals["p1"]["resolution"] = 0
	if g, _ := cfg.Policy("plain").Goal("p1", "resolution"); g != 4*time.Hour {
		t.Errorf("modifying a returned Policy changed the tier: p1 resolution now %v", g)
	}
	if got, want := cfg.Policy("custom").SLANames(), []string{"first_response", "resolution"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SLANames() = %v, want %v", got, want)
	}
}

func TestThresholdOf(t *testing.T) {
	cases := []struct {
		name string
		th   Threshold
		goal time.Duration
		want time.Duration
	}{
		{"fraction", Threshold{Fraction: 0.25}, 4 * time.Hour, time.Hour},
		{"duration ignores goal", Threshold{Duration: 30 * time.Minute}, 4 * time.Hour, 30 * time.Minute},
		{"zero", Threshold{}, time.Hour, 0},
	}
	for _, tc := range cases {
		if got := tc.th.Of(tc.goal); got != tc.want {
			t.Errorf("%s: %v.Of(%v) = %v, want %v", tc.name, tc.th, tc.goal, got, tc.want)
		}
	}
}

func TestSourceLookups(t *testing.T) {
	cfg, err := Parse([]byte(`
poll_interval: 2m
sources:
  - {name: fast, type: jira, url: "https://x.atlassian.net", auth: {token_env: T}, poll_interval: 10s}
  - {name: default, type: zendesk, url: "https://x.zendesk.com", auth: {token_env: T}}
`), "lookup.yml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		found bool
		poll  time.Duration
	}{
		{"fast", true, 10 * time.Second},
		{"default", true, 2 * time.Minute},
		{"missing", false, 0},
	}
	for _, tc := range cases {
		s, ok := cfg.SourceByName(tc.name)
		if ok != tc.found || s.Name != map[bool]string{true: tc.name}[ok] {
			t.Errorf("SourceByName(%q) = %q, %v; want found=%v", tc.name, s.Name, ok, tc.found)
		}
		if ok {
			if got := cfg.PollIntervalOf(s); got != tc.poll {
				t.Errorf("PollIntervalOf(%s) = %v, want %v", tc.name, got, tc.poll)
			}
		}
	}
}
