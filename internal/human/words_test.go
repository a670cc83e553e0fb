package human

import (
	"testing"
	"time"
)

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"first_response": "First response", "resolution": "Resolution",
		"resolution_contract": "Resolution (contract)", "time_to_triage": "Time to triage", "": "",
	} {
		if got := SLA(in); got != want {
			t.Errorf("SLA(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Priority("p1"); got != "P1" {
		t.Errorf("Priority = %q", got)
	}
	if got := State("waiting_customer"); got != "Waiting for the customer" {
		t.Errorf("State = %q", got)
	}
	if got := Percent(0.95125); got != "95.1%" {
		t.Errorf("Percent = %q", got)
	}
}

func TestTimes(t *testing.T) {
	vilnius, err := time.LoadLocation("Europe/Vilnius")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 7, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		loc    *time.Location
		layout string
		want   string
	}{
		{vilnius, "02.01.2006", "23.11.2026 09:05 EET"},
		{ny, "01/02/2006", "11/23/2026 02:05 EST"},
		{time.UTC, "2006-01-02", "2026-11-23 07:05 UTC"},
	} {
		if got := Time(at, tc.loc, tc.layout); got != tc.want {
			t.Errorf("Time in %s = %q, want %q", tc.loc, got, tc.want)
		}
	}
	if got := Date(at, ny, "2006-01-02"); got != "2026-11-23" {
		t.Errorf("Date = %q", got)
	}
	if got := Zone(vilnius, at); got != "Europe/Vilnius (UTC+02:00)" {
		t.Errorf("Zone = %q", got)
	}
	if got := Zone(vilnius, at.AddDate(0, -5, 0)); got != "Europe/Vilnius (UTC+03:00)" {
		t.Errorf("Zone in June = %q", got)
	}
}
