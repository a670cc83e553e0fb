package jira

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// getJSON fetches a metadata endpoint of the fake, which serves the recorded files as they are.
func getJSON(t *testing.T, e *env, path string, v any) {
	t.Helper()
	resp, err := e.http.Client().Get(e.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// TestRecordedPriorities maps the priorities recorded from Apache's Jira.
func TestRecordedPriorities(t *testing.T) {
	e := newEnv(t, jirafake.Options{Metadata: os.DirFS("testdata")}, config.Source{})
	var prios []jira.Priority
	getJSON(t, e, "/rest/api/2/priority", &prios)
	want := map[string]ticket.Priority{"Blocker": ticket.P1, "Critical": ticket.P1, "Major": ticket.P2, "Minor": ticket.P4, "Trivial": ticket.P4}
	if len(prios) != len(want) {
		t.Fatalf("recorded priorities: got %d, want %d", len(prios), len(want))
	}
	m := testMapper(config.Source{})
	for _, p := range prios {
		got, known := m.priority(p.Name)
		if got != want[p.Name] || !known {
			t.Errorf("%s: got %s (known %v), want %s", p.Name, got, known, want[p.Name])
		}
	}
}

// TestRecordedStatuses maps every status recorded from a Jira Cloud test instance by its
// category, and the status categories themselves.
func TestRecordedStatuses(t *testing.T) {
	e := newEnv(t, jirafake.Options{Metadata: os.DirFS("testdata")}, config.Source{})
	var statuses []wireStatus
	getJSON(t, e, "/rest/api/2/status", &statuses)
	var cats []struct {
		Key  string `json:"key"`
		Name string `json:"name"`
	}
	getJSON(t, e, "/rest/api/2/statuscategory", &cats)

	byCat := map[string]ticket.State{"new": ticket.StateNew, "indeterminate": ticket.StateInProgress, "done": ticket.StateResolved}
	m := testMapper(config.Source{})
	var catKeys []string
	for _, c := range cats {
		catKeys = append(catKeys, c.Key)
		got, known := m.state(wireStatus{Name: "x", StatusCategory: struct {
			Key string `json:"key"`
		}{c.Key}})
		want, wantKnown := byCat[c.Key]
		if !wantKnown {
			want = ticket.StateInProgress
		}
		if got != want || known != wantKnown {
			t.Errorf("category %s (%s): got %s known %v, want %s known %v", c.Key, c.Name, got, known, want, wantKnown)
		}
	}
	if want := []string{"undefined", "new", "indeterminate", "done"}; !slices.Equal(catKeys, want) {
		t.Errorf("recorded categories: got %v, want %v", catKeys, want)
	}

	counts := map[ticket.State]int{}
	unknown := 0
	for _, s := range statuses {
		got, known := m.state(s)
		counts[got]++
		if !known {
			unknown++
			if s.StatusCategory.Key != "undefined" {
				t.Errorf("%s (%s): unknown, want known by category", s.Name, s.StatusCategory.Key)
			}
		}
	}
	for name, want := range map[string]ticket.State{"Idea": ticket.StateNew, "QA": ticket.StateInProgress, "Done": ticket.StateResolved, "Archived": ticket.StateInProgress} {
		i := slices.IndexFunc(statuses, func(s wireStatus) bool { return s.Name == name })
		if i < 0 {
			t.Fatalf("status %s not in the recording", name)
		}
		if got, _ := m.state(statuses[i]); got != want {
			t.Errorf("%s: got %s, want %s", name, got, want)
		}
	}
	if len(statuses) < 30 || counts[ticket.StateResolved] == 0 || unknown == 0 {
		t.Errorf("recording: %d statuses, by state %v, %d unknown: want every category represented", len(statuses), counts, unknown)
	}
}

// TestRecordedSearchPage serves the recorded agile search page (issues_in_sprint.json) as is
// through a Data Center fake and polls it.
func TestRecordedSearchPage(t *testing.T) {
	data, err := os.ReadFile("testdata/issues_in_sprint.json")
	if err != nil {
		t.Fatal(err)
	}
	issues, err := jirafake.IssuesFromSearchJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, jirafake.Options{Flavor: jirafake.DataCenter}, config.Source{JQL: "project = AR"})
	if err := e.fake.Put(issues...); err != nil {
		t.Fatal(err)
	}
	e.poll(t)
	tk, ok := e.st.Get("AR-86")
	if !ok {
		t.Fatalf("AR-86 not stored; have %d tickets", e.st.Len())
	}
	pst := time.FixedZone("", -8*3600)
	want := &ticket.Ticket{
		Source: "jsm", Key: "AR-86", URL: e.http.URL + "/browse/AR-86",
		Attributes: ticket.Attributes{Project: "AR", Labels: []string{}},
		Priority:   ticket.P2, State: ticket.StateNew, Status: "Ready", Channel: ticket.ChannelOther,
		Created: time.Date(2015, 12, 2, 7, 39, 15, 0, pst).UTC(),
		Updated: time.Date(2016, 2, 1, 8, 17, 4, 0, pst).UTC(),
		// resolutiondate is set in the recording, but the status is in the To Do category:
		// an open ticket has no resolution time.
	}
	gj, _ := json.Marshal(tk)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("AR-86:\n got %s\nwant %s", gj, wj)
	}
}
