package config

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// TestLoadInvalidTeams proves each mistake in the teams, team_field, owner_field and owner keys
// is reported once with its file, line, field and message.
func TestLoadInvalidTeams(t *testing.T) {
	cases := []struct{ file, want string }{
		{"unknown-state", `:28: teams[0].when.states[0]: unknown state "waiting_for_godot" (known: new, in_progress, waiting_customer, waiting_partner, resolved, closed)`},
		{"resolved-state", `:28: teams[0].when.states[0]: state "resolved" is not open: a resolved ticket waits on no team (known: new, in_progress, waiting_customer, waiting_partner)`},
		{"empty-when", `:27: teams[0].when: at least one of states, statuses, groups, components, team_field or linked_project is required`},
		{"duplicate", `:29: teams[1].id: duplicate team id "support" (first at teams[0])`},
		{"groups-jira-only", `:13: teams[0].when.groups: needs a zendesk source (groups are Zendesk's)`},
		{"linked-project", `:28: teams[0].when.linked_project[0]: invalid Jira project key "eng project" (want letters and digits like ENG)`},
		{"no-team-field", `:27: teams[0].when.team_field: no source sets team_field (the custom field holding the team)`},
		{"ola-calendar", `:30: teams[0].ola.calendar: unknown calendar "us-business" (known: 24x7, eu-business)`},
		{"ola-no-targets", `:29: teams[0].ola.targets: at least one priority's target is required, like p1: 4h`},
		{"ola-priority", `:30: teams[0].ola.targets.p7: unknown priority "p7" (known: p1, p2, p3, p4)`},
		{"paused-by", `:30: teams[0].ola.paused_by[0]: unknown team "customers" (known: engineering)`},
		{"too-many", `:26: teams: at most 8 teams (each adds series per customer), got 9`},
		{"owner", `:15: customers[0].owner: invalid owner "A. Person" (want a lowercase handle like a.person: letters, digits, _, . and -)`},
		{"owner-field-jira", `:6: sources[0].owner_field: applies to zendesk sources only (an organization field)`},
		{"zendesk-team-field", `:11: sources[1].team_field: invalid Zendesk custom field id "Team" (want digits)`},
	}
	files, err := filepath.Glob("testdata/teams-invalid-*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("%d testdata/teams-invalid-*.yml files but %d cases: every file needs its expected error", len(files), len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := "testdata/teams-invalid-" + tc.file + ".yml"
			_, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded, want %q", path, tc.want)
			}
			if got, want := err.Error(), path+tc.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// TestTeamsSettings loads every team key and reads it back, defaults included.
func TestTeamsSettings(t *testing.T) {
	cfg, err := Load("testdata/teams-valid.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.TeamIDs(); len(got) != 3 || got[0] != "customer" || got[1] != "engineering" || got[2] != "support" {
		t.Fatalf("teams %v", got)
	}
	eng, ok := cfg.TeamByID("engineering")
	if !ok || eng.Name != "Engineering" || eng.OLA == nil || eng.OLA.Calendar != "eu-business" || eng.OLA.AtRisk.Duration != 4*time.Hour ||
		len(eng.OLA.PausedBy) != 1 || len(eng.When.Groups) != 2 || eng.When.LinkedProject[0] != "ENG" {
		t.Errorf("engineering: %+v", eng)
	}
	if d, ok := eng.OLA.Target(ticket.P2); !ok || d != 48*time.Hour {
		t.Errorf("engineering p2 target: %s %v", d, ok)
	}
	if _, ok := eng.OLA.Target(ticket.P3); ok {
		t.Error("engineering has no p3 target")
	}
	sup, _ := cfg.TeamByID("support")
	if sup.Name != "support" || sup.OLA.Calendar != Calendar24x7 || sup.OLA.AtRisk.Fraction != 0.25 {
		t.Errorf("support defaults: %+v %+v", sup, sup.OLA)
	}
	if cfg.OLATeams() != 2 || cfg.Owner("northwind") != "a.person" || cfg.Owner("contoso") != "" {
		t.Errorf("OLA teams %d, owners %q %q", cfg.OLATeams(), cfg.Owner("northwind"), cfg.Owner("contoso"))
	}
	if !cfg.NeedsHandling(cfg.Sources[0]) || !cfg.NeedsHandling(cfg.Sources[1]) {
		t.Error("both sources must read handling facts (components and team field; groups)")
	}
	if got := cfg.LinkedProjects(); len(got) != 1 || got[0] != "ENG" {
		t.Errorf("linked projects %v", got)
	}
	if cfg.Sources[0].TeamField != "customfield_10070" || cfg.Sources[1].OwnerField != "account_manager" {
		t.Errorf("source keys: %q %q", cfg.Sources[0].TeamField, cfg.Sources[1].OwnerField)
	}
}

func TestOwnerHandle(t *testing.T) {
	for in, want := range map[string]string{
		"Jane.Doe@Example.com": "jane.doe",
		" a.person ":           "a.person",
		"Jane Doe":             "",
		"":                     "",
		"ops-team_2":           "ops-team_2",
	} {
		if got := OwnerHandle(in); got != want {
			t.Errorf("OwnerHandle(%q) = %q, want %q", in, got, want)
		}
	}
}
