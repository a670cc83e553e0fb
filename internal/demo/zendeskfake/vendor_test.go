package zendeskfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// clockedFake is a fake on a clock the test moves.
func clockedFake(t *testing.T, opts Options) (*Server, *httptest.Server, *time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	opts.Now = func() time.Time { return now }
	f := New(opts)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv, &now
}

func getJSON(t *testing.T, srv *httptest.Server, path string, q url.Values, out any) *http.Response {
	t.Helper()
	resp, body := get(t, srv, path+"?"+q.Encode(), "")
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s: %v: %s", path, err, body)
		}
	}
	return resp
}

type cursorEventsPage struct {
	Events []MetricEvent `json:"ticket_metric_events"`
	Meta   struct {
		HasMore     bool    `json:"has_more"`
		AfterCursor *string `json:"after_cursor"`
	} `json:"meta"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	EndOfStream *bool `json:"end_of_stream"`
}

// TestMetricEventsCursorPagination: with page[size], events page by cursor whatever their times,
// in the reference's shape; without, the time-based answer overlaps on its last second.
func TestMetricEventsCursorPagination(t *testing.T) {
	f, srv, _ := clockedFake(t, Options{})
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for range 250 { // a bulk macro: 250 events in one second
		f.PutEvents(MetricEvent{TicketID: 1, Metric: "reply_time", InstanceID: 1, Type: "measure", Time: at})
	}
	f.PutEvents(MetricEvent{TicketID: 2, Metric: "reply_time", InstanceID: 1, Type: "activate", Time: at.Add(time.Second)})
	const path = "/api/v2/incremental/ticket_metric_events.json"
	start := strconv.FormatInt(at.Unix(), 10)
	q := url.Values{"start_time": {start}, "page[size]": {"100"}}
	var ids []int64
	for range 10 {
		var p cursorEventsPage
		if resp := getJSON(t, srv, path, q, &p); resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, ev := range p.Events {
			ids = append(ids, ev.ID)
		}
		if !p.Meta.HasMore {
			if p.Links.Next != nil {
				t.Errorf("last page: links.next %q, want null", *p.Links.Next)
			}
			break
		}
		next, _ := url.Parse(*p.Links.Next)
		if next.Query().Get("page[after]") != *p.Meta.AfterCursor || next.Query().Get("start_time") != start {
			t.Errorf("links.next %q: want page[after] = meta.after_cursor and the same start_time", *p.Links.Next)
		}
		q.Set("page[after]", *p.Meta.AfterCursor)
	}
	if len(ids) != 251 || ids[250] != 251 {
		t.Fatalf("cursor pages: got %d events (last %v), want all 251 in order", len(ids), ids[len(ids)-1])
	}
	var capped cursorEventsPage
	getJSON(t, srv, path, url.Values{"start_time": {start}, "page[size]": {"1000"}}, &capped)
	if len(capped.Events) != 100 || !capped.Meta.HasMore {
		t.Errorf("page[size]=1000: got %d events, want the maximum of 100", len(capped.Events))
	}
	for _, bad := range []url.Values{
		{"start_time": {start}, "page[size]": {"0"}},
		{"start_time": {start}, "page[size]": {"100"}, "page[after]": {"not-a-cursor"}},
		{"page[size]": {"100"}},
	} {
		if resp := getJSON(t, srv, path, bad, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%v: got %d, want 400", bad, resp.StatusCode)
		}
	}
	// Time-based: 100 a page, the next page starting at the last event's second, where 250
	// events sit: it never gets past them.
	var tp struct {
		Events      []MetricEvent `json:"ticket_metric_events"`
		NextPage    *string       `json:"next_page"`
		EndTime     int64         `json:"end_time"`
		EndOfStream bool          `json:"end_of_stream"`
	}
	getJSON(t, srv, path, url.Values{"start_time": {start}}, &tp)
	if len(tp.Events) != 100 || tp.EndOfStream || tp.NextPage == nil || tp.EndTime != at.Unix() {
		t.Errorf("time-based page: got %d events, end %v, end_time %d; want 100, more, end_time at the crowded second", len(tp.Events), tp.EndOfStream, tp.EndTime)
	}
}

// TestDeletedBreachServedAsChange: a breach event Zendesk invalidates reads deleted from then
// on; a reader past its time sees the change only with include_changes.
func TestDeletedBreachServedAsChange(t *testing.T) {
	f, srv, now := clockedFake(t, Options{})
	at := now.Add(-2 * time.Hour)
	f.PutEvents(MetricEvent{TicketID: 5, Metric: "reply_time", InstanceID: 1, Type: "breach", Time: at, Deleted: new(bool)})
	*now = now.Add(10 * time.Minute)
	if n := f.DeleteBreach(5, "reply_time", 1); n != 1 {
		t.Fatalf("DeleteBreach: invalidated %d, want 1", n)
	}
	const path = "/api/v2/incremental/ticket_metric_events.json"
	after := strconv.FormatInt(at.Add(time.Hour).Unix(), 10)
	var plain, changes cursorEventsPage
	getJSON(t, srv, path, url.Values{"start_time": {after}, "page[size]": {"100"}}, &plain)
	getJSON(t, srv, path, url.Values{"start_time": {after}, "page[size]": {"100"}, "include_changes": {"true"}}, &changes)
	if len(plain.Events) != 0 {
		t.Errorf("without include_changes: got %+v, want nothing after the breach's time", plain.Events)
	}
	if len(changes.Events) != 1 || changes.Events[0].Deleted == nil || !*changes.Events[0].Deleted || !changes.Events[0].Time.Equal(at) {
		t.Errorf("with include_changes: got %+v, want the breach, deleted, at its own time", changes.Events)
	}
	var from cursorEventsPage
	getJSON(t, srv, path, url.Values{"start_time": {strconv.FormatInt(at.Unix(), 10)}, "page[size]": {"100"}}, &from)
	if len(from.Events) != 1 || !*from.Events[0].Deleted {
		t.Errorf("read from its time: got %+v, want it deleted", from.Events)
	}
}

// TestExportHoldsBackTheLastMinute: start_time in the last minute is refused, and a change of
// the last minute is not served until it is a minute old; generated_timestamp is what counts.
func TestExportHoldsBackTheLastMinute(t *testing.T) {
	f, srv, now := clockedFake(t, Options{})
	const path = "/api/v2/incremental/tickets/cursor.json"
	resp, body := get(t, srv, path+"?start_time="+strconv.FormatInt(now.Add(-30*time.Second).Unix(), 10), "")
	if resp.StatusCode != http.StatusBadRequest || !json.Valid(body) || string(body) == "" {
		t.Errorf("recent start_time: got %d %s, want 400", resp.StatusCode, body)
	}
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	if e.Error != "StartTimeTooRecent" {
		t.Errorf("error: got %q, want StartTimeTooRecent", e.Error)
	}
	f.Put(Ticket{ID: 1, Status: "open", UpdatedAt: now.Add(-2 * time.Minute)}, Ticket{ID: 2, Status: "open", UpdatedAt: now.Add(-10 * time.Second)})
	type page struct {
		Tickets []struct {
			ID        int64 `json:"id"`
			Generated int64 `json:"generated_timestamp"`
		} `json:"tickets"`
		AfterCursor string `json:"after_cursor"`
		EndOfStream bool   `json:"end_of_stream"`
	}
	var p1 page
	getJSON(t, srv, path, url.Values{"start_time": {strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)}}, &p1)
	if len(p1.Tickets) != 1 || p1.Tickets[0].ID != 1 || !p1.EndOfStream || p1.Tickets[0].Generated != now.Add(-2*time.Minute).Unix() {
		t.Fatalf("first read: got %+v, want ticket 1 only with its generated_timestamp, end of stream", p1)
	}
	*now = now.Add(time.Minute)
	var p2 page
	getJSON(t, srv, path, url.Values{"cursor": {p1.AfterCursor}}, &p2)
	if len(p2.Tickets) != 1 || p2.Tickets[0].ID != 2 {
		t.Errorf("a minute later: got %+v, want ticket 2", p2.Tickets)
	}
	if resp, _ := get(t, srv, path+"?start_time=0", ""); resp.Header.Get("Date") != now.Format(http.TimeFormat) {
		t.Errorf("Date header: got %q, want the fake's clock %q", resp.Header.Get("Date"), now.Format(http.TimeFormat))
	}
}

// TestLookupEndpoints: show_many for organizations and users, custom statuses, the search
// export's query subset, ticket audits with schedule assignments, CSAT survey responses.
func TestLookupEndpoints(t *testing.T) {
	f, srv, now := clockedFake(t, Options{})
	f.PutOrganizations(Organization{ID: 1, Name: "One"}, Organization{ID: 2, Name: "Two"})
	f.PutUsers(User{ID: 9, Email: "a@b.example"})
	f.SetCustomStatuses(CustomStatus{ID: 77, StatusCategory: "hold", AgentLabel: "Waiting on vendor"})
	old := now.AddDate(-2, 0, 0)
	f.Put(Ticket{ID: 10, Status: "hold", UpdatedAt: old}, Ticket{ID: 11, Status: "solved", UpdatedAt: old}, Ticket{ID: 12, Status: "open", UpdatedAt: *now})
	f.AssignSchedule(ScheduleAssignment{TicketID: 10, ScheduleID: 3, At: old}, ScheduleAssignment{TicketID: 10, ScheduleID: 4, At: old.Add(time.Hour)})
	f.PutSurveyResponses(TicketSurveyResponse("r1", 11, 3, "neutral", old))

	var orgs struct {
		Organizations []Organization `json:"organizations"`
	}
	getJSON(t, srv, "/api/v2/organizations/show_many.json", url.Values{"ids": {"2,5"}}, &orgs)
	if len(orgs.Organizations) != 1 || orgs.Organizations[0].Name != "Two" {
		t.Errorf("organizations show_many: got %+v", orgs)
	}
	var users struct {
		Users []User `json:"users"`
	}
	getJSON(t, srv, "/api/v2/users/show_many.json", url.Values{"ids": {"9"}}, &users)
	if len(users.Users) != 1 || users.Users[0].Email != "a@b.example" {
		t.Errorf("users show_many: got %+v", users)
	}
	var statuses struct {
		CustomStatuses []CustomStatus `json:"custom_statuses"`
	}
	getJSON(t, srv, "/api/v2/custom_statuses.json", nil, &statuses)
	if len(statuses.CustomStatuses) != 1 || statuses.CustomStatuses[0].AgentLabel != "Waiting on vendor" {
		t.Errorf("custom statuses: got %+v", statuses)
	}
	var search struct {
		Results []struct {
			ID         int64  `json:"id"`
			ResultType string `json:"result_type"`
		} `json:"results"`
		Meta struct {
			HasMore bool `json:"has_more"`
		} `json:"meta"`
	}
	q := url.Values{"query": {"type:ticket status<solved updated<" + now.AddDate(-1, 0, 0).Format(time.DateOnly)}, "filter[type]": {"ticket"}}
	getJSON(t, srv, "/api/v2/search/export.json", q, &search)
	if len(search.Results) != 1 || search.Results[0].ID != 10 || search.Results[0].ResultType != "ticket" || search.Meta.HasMore {
		t.Errorf("search export: got %+v, want ticket 10 only", search)
	}
	if resp := getJSON(t, srv, "/api/v2/search/export.json", url.Values{"query": {"priority:urgent"}, "filter[type]": {"ticket"}}, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a query the fake does not know: got %d, want 400", resp.StatusCode)
	}
	var audits struct {
		Audits []struct {
			Events []struct {
				Type     string `json:"type"`
				Previous *int64 `json:"previous_schedule_id"`
				New      int64  `json:"new_schedule_id"`
			} `json:"events"`
		} `json:"audits"`
	}
	getJSON(t, srv, "/api/v2/tickets/10/audits.json", nil, &audits)
	if len(audits.Audits) != 2 || audits.Audits[1].Events[0].Type != "ScheduleAssignment" || audits.Audits[1].Events[0].New != 4 ||
		audits.Audits[1].Events[0].Previous == nil || *audits.Audits[1].Events[0].Previous != 3 {
		t.Errorf("audits: got %+v, want two schedule assignments, 3 then 4", audits)
	}
	var surveys struct {
		Responses []SurveyResponse `json:"survey_responses"`
	}
	getJSON(t, srv, "/api/v2/guide/survey_responses.json", url.Values{"filter[subject_zrns]": {"zen:ticket:11,zen:ticket:12"}, "page[size]": {"10"}}, &surveys)
	if len(surveys.Responses) != 1 || surveys.Responses[0].Answers[0].RatingCategory != "neutral" {
		t.Errorf("survey responses: got %+v", surveys)
	}
}
