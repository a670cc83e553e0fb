package jira

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// TestProbeDataCenter: on Data Center the probe counts the JQL's issues with the search total
// (maxResults=0), reports the flavor it found against the one configured, and, without an
// organization rule, lists no organizations.
func TestProbeDataCenter(t *testing.T) {
	fake := jirafake.New(jirafake.Options{Flavor: jirafake.DataCenter, Token: "pat-not-real"})
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i, project := range []string{"SUP", "SUP", "OPS", "SUP"} {
		tk := &ticket.Ticket{Key: fmt.Sprintf("%s-%d", project, i+1), Priority: ticket.P3, State: ticket.StateNew,
			Created: at, Updated: at, Attributes: ticket.Attributes{Project: project}}
		if err := fake.Put(jirafake.IssueFromTicket(tk)); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := config.Source{Name: "jsm", Type: config.TypeJira, URL: srv.URL, Flavor: "cloud", JQL: "project = SUP",
		Auth: config.Auth{Secret: config.NewSecret("pat-not-real")}, SLA: config.SLAComputed,
		CustomerFrom: []config.MatchRule{{Kind: config.MatchProject}}, Timeout: config.Duration(5 * time.Second)}
	p, err := Probe(context.Background(), cfg, source.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]string{}
	for _, f := range p.Facts {
		facts[f.Name] = f.Value
	}
	if got, want := facts["issues"], "3 match the JQL (project = SUP)"; got != want {
		t.Errorf("issues: %q, want %q", got, want)
	}
	if got, want := facts["flavor"], "Jira Data Center 9.12.15 (deploymentType Server)"; got != want {
		t.Errorf("flavor: %q, want %q", got, want)
	}
	want := "flavor: the config says cloud, the site says datacenter; drop the key to detect it"
	if len(p.Findings) != 1 || p.Findings[0] != want {
		t.Errorf("findings %q, want [%q]", p.Findings, want)
	}
	if p.Organizations != nil {
		t.Errorf("organizations listed without an organization rule: %v", p.Organizations)
	}
}
