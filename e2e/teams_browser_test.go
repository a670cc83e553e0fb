//go:build e2e

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestRecordsAndWaitingOnInBrowser loads the Records page and a "waiting on" list of the demo in
// a real headless Chromium. The demo's desks both hold tickets of Blue Harbor Travel, an
// organization no customer names: the Records page lists it per desk with its tickets. Each demo
// customer's ticket page links the lists of the teams its tickets wait on; the list of the team
// with the most tickets waiting says whom it waits on and keeps the oldest wait first, as the
// API orders it. Neither page logs to the console.
func TestRecordsAndWaitingOnInBrowser(t *testing.T) {
	base := startDemo(t)

	dom, console := browse(t, base+"/records")
	if len(console) > 0 {
		t.Errorf("the browser logged on the Records page:\n%s", strings.Join(console, "\n"))
	}
	_, unmapped, _ := strings.Cut(dom, `<section id="unmapped">`)
	unmapped, _, _ = strings.Cut(unmapped, "</section>")
	for _, want := range []string{`<tr data-source="jsm"><td>Blue Harbor Travel`, `<tr data-source="zendesk"><td>Blue Harbor Travel`} {
		if !strings.Contains(unmapped, want) {
			t.Errorf("the unmapped organizations lack %q:\n%.3000s", want, unmapped)
		}
	}
	for _, id := range []string{"quiet", "one-desk", "moved"} {
		if !strings.Contains(dom, `<section id="`+id+`">`) {
			t.Errorf("the Records page has no %s section", id)
		}
	}

	// The customer and team with the most tickets waiting, from the API.
	var best struct {
		customer, team, name string
		open                 int
	}
	for _, c := range []string{"northwind", "globex", "initech", "umbrella", "contoso", "acme", "hooli", "vandelay"} {
		var list struct {
			Teams []struct {
				ID, Name string
				Open     int `json:"open_tickets"`
			} `json:"teams"`
		}
		getJSON(t, base+"/api/v1/customers/"+c+"/tickets", &list)
		for _, tm := range list.Teams {
			if tm.Open > best.open {
				best.customer, best.team, best.name, best.open = c, tm.ID, tm.Name, tm.Open
			}
		}
	}
	if best.open < 2 {
		t.Fatalf("no team has two tickets waiting in the demo: %+v", best)
	}
	dom, console = browse(t, base+"/customers/"+best.customer+"/tickets")
	if len(console) > 0 {
		t.Errorf("the browser logged on the ticket page:\n%s", strings.Join(console, "\n"))
	}
	if !strings.Contains(dom, `<nav class="filters" id="teams">`) || !strings.Contains(dom, `data-team="`+best.team+`"`) {
		t.Errorf("the ticket page links no waiting-on lists:\n%.2000s", dom)
	}

	var list struct {
		Tickets []struct {
			Key          string `json:"key"`
			WaitingSince string `json:"waiting_since"`
		} `json:"tickets"`
	}
	url := base + "/customers/" + best.customer + "/tickets?waiting_on=" + best.team
	dom, _ = browse(t, url)
	getJSON(t, base+"/api/v1/customers/"+best.customer+"/tickets?waiting_on="+best.team, &list)
	if !strings.Contains(dom, "Waiting on "+best.name+", oldest wait first") {
		t.Errorf("the list does not say whom it waits on:\n%.2000s", dom)
	}
	last := -1
	for i, tk := range list.Tickets {
		at := strings.Index(dom, `<tr data-key="`+tk.Key+`">`)
		if at < 0 || at < last {
			t.Errorf("ticket %d (%s, waiting since %s) is not in the oldest-first order on the page", i, tk.Key, tk.WaitingSince)
		}
		last = at
		if i > 0 && tk.WaitingSince < list.Tickets[i-1].WaitingSince {
			t.Errorf("the API's list is not oldest wait first at %s", tk.Key)
		}
	}
	if n := strings.Count(dom, `<td class="team" data-team="`+best.team+`">`); n != len(list.Tickets) || n != best.open {
		t.Errorf("%d rows waiting on %s, want %d", n, best.team, best.open)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}
