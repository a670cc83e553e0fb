// Package zendeskfake is an in-memory Zendesk Support API, an http.Handler for tests and the
// demo. It speaks the wire format of the endpoints custops reads, field names byte for byte, and
// behaves as the API reference (and, where it is silent, the connectors that read it) describes,
// as harshly: each handler cites its page. docs/vendors.md lists the same endpoints.
//
//   - GET /api/v2/incremental/tickets/cursor.json: start_time (refused within the last minute),
//     cursor, per_page, include (users, organizations, metric_sets), exclude_deleted; changes of
//     the last minute held back; generated_timestamp (handlers.go)
//   - GET /api/v2/incremental/ticket_metric_events: cursor pagination with page[size] or a
//     time-based answer; include_changes serves a breach deleted later (events.go)
//   - GET /api/v2/incremental/ticket_events (time-based, the last minute held back) and
//     /api/v2/groups (ticketevents.go)
//   - GET /api/v2/search/export, /api/v2/organizations/show_many, /api/v2/users/show_many,
//     /api/v2/custom_statuses (lookups.go); /api/v2/tickets/{id}/audits with schedule
//     assignments (audits.go); /api/v2/guide/survey_responses (surveys.go)
//   - https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/
//   - https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/
//   - https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/ (show, list, show_many)
//   - https://developer.zendesk.com/api-reference/ticketing/ticket-management/schedules/
//     (GET /api/v2/business_hours/schedules and /api/v2/business_hours/schedules/{id}/holidays;
//     schedules set with SetSchedules, none by default)
//
// Every answer carries a Date header on the fake's clock (Options.Now). It also serves recorded
// data as it is (Options.FixtureDir: tickets.json, organizations.json, users.json,
// sla_policies.json), and injects failures: 429 with Retry-After, 5xx, malformed JSON, 401, 400
// on a refused cursor.
package zendeskfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a fake.
type Options struct {
	// Email and Token are the credentials requests must carry: basic "{email}/token:{token}", or
	// a bearer token when Email is empty. An empty Token accepts every request.
	Email, Token string
	// FixtureDir, when set, is a directory of recorded responses loaded at start: tickets.json,
	// organizations.json, users.json and sla_policies.json (each optional).
	FixtureDir string
	// EventsPageSize is the ticket metric events page size of time-based answers, and the
	// largest page[size] a cursor-paginated request may ask: 100, as documented. The demo asks
	// for more (see desk), which Zendesk would refuse.
	EventsPageSize int
	// BaseURL fills the url fields of what Put stores, e.g. the httptest server's URL.
	BaseURL string
	// Now is the vendor's clock: the Date header of every answer, the last minute the
	// incremental export holds back, the instant of a change. Default time.Now.
	Now func() time.Time
}

// FailureKind is a failure FailNext can inject.
type FailureKind int

// The injectable failures.
const (
	RateLimited  FailureKind = iota + 1 // 429 with Retry-After
	ServerError                         // 5xx (Status, default 503)
	Malformed                           // 200 with a body that is not JSON
	Unauthorized                        // 401
	// Refused is a 400 InvalidPaginationParameter, what Zendesk answers a cursor or page[after]
	// it does not accept (the error name of badRequest).
	Refused
)

// Failure is one injected failure, for the next Count requests (default 1).
type Failure struct {
	Kind       FailureKind
	Count      int
	After      int           // requests served normally before this failure starts
	RetryAfter time.Duration // RateLimited: the Retry-After header, whole seconds
	Status     int           // ServerError: the status code
}

// maxRequests bounds the request log, for a demo that serves for days.
const maxRequests = 10000

// Request is a request the fake received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Authorized is whether the credentials matched; the credentials themselves are not kept.
	Authorized bool
}

// entry is one stored ticket: its JSON as served, and what the handlers filter on.
type entry struct {
	id        int64
	seq       int64 // position in the export: every change moves a ticket to the end
	updated   time.Time
	generated time.Time // generated_timestamp: the last change of any kind, what the export orders by
	status    string
	requester int64
	submitter int64
	org       *int64
	rating    *SatisfactionRating
	metricSet *MetricSet
	raw       json.RawMessage
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	opts Options

	mu              sync.Mutex
	seq             int64
	tickets         map[int64]*entry
	events          []logEntry // the metric events log, oldest first (events.go)
	nextEvent       int64
	orgs            []json.RawMessage // in load/put order
	orgIDs          map[int64]int     // id -> index in orgs
	users           map[int64]json.RawMessage
	policies        json.RawMessage      // sla_policies.json as recorded
	schedules       []Schedule           // business hours schedules, the default first
	assignments     []ScheduleAssignment // schedules set on tickets, oldest first
	customStatuses  []CustomStatus
	surveys         []SurveyResponse // CSAT survey responses
	ticketEvents    []TicketEvent    // the ticket event export, oldest first (ticketevents.go)
	nextTicketEvent int64
	groups          []Group
	requests        []Request
	failures        []Failure
}

// New returns a fake, with the recorded fixtures of opts.FixtureDir loaded. It panics when a
// fixture cannot be read: a fake with half its data would make tests lie.
func New(opts Options) *Server {
	if opts.EventsPageSize <= 0 {
		opts.EventsPageSize = maxEventsPage
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, tickets: map[int64]*entry{}, orgIDs: map[int64]int{}, users: map[int64]json.RawMessage{}, nextEvent: 1}
	if opts.FixtureDir != "" {
		if err := s.loadFixtures(opts.FixtureDir); err != nil {
			panic(fmt.Sprintf("zendeskfake: %v", err))
		}
	}
	return s
}

func (s *Server) loadFixtures(dir string) error {
	read := func(name string, into any) (bool, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if err := json.Unmarshal(b, into); err != nil {
			return false, fmt.Errorf("%s: %w", name, err)
		}
		return true, nil
	}
	var tickets struct {
		Tickets []json.RawMessage `json:"tickets"`
	}
	if _, err := read("tickets.json", &tickets); err != nil {
		return err
	}
	for _, raw := range tickets.Tickets {
		if err := s.putRaw(raw); err != nil {
			return fmt.Errorf("tickets.json: %w", err)
		}
	}
	var orgs struct {
		Organizations []json.RawMessage `json:"organizations"`
	}
	if _, err := read("organizations.json", &orgs); err != nil {
		return err
	}
	for _, raw := range orgs.Organizations {
		if err := s.putOrgRaw(raw); err != nil {
			return fmt.Errorf("organizations.json: %w", err)
		}
	}
	var users struct {
		Users []json.RawMessage `json:"users"`
	}
	if _, err := read("users.json", &users); err != nil {
		return err
	}
	for _, raw := range users.Users {
		var u struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(raw, &u); err != nil {
			return fmt.Errorf("users.json: %w", err)
		}
		s.users[u.ID] = raw
	}
	b, err := os.ReadFile(filepath.Join(dir, "sla_policies.json"))
	switch {
	case err == nil:
		s.policies = b
	case !os.IsNotExist(err):
		return err
	}
	return nil
}

// Put stores tickets (new or changed); each moves to the end of the incremental export.
func (s *Server) Put(tickets ...Ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range tickets {
		fillTicket(&t, s.opts.BaseURL)
		raw, err := json.Marshal(t)
		if err != nil {
			panic(err) // plain data: cannot fail
		}
		if err := s.putRaw(raw); err != nil {
			panic(err)
		}
		s.tickets[t.ID].rating = t.SatisfactionRating
		s.tickets[t.ID].metricSet = t.MetricSet
	}
}

// fillTicket turns nil lists into [] and sets the derived fields, as Zendesk serves them.
func fillTicket(t *Ticket, base string) {
	for _, l := range []*[]int64{&t.CollaboratorIDs, &t.FollowerIDs, &t.EmailCCIDs, &t.SharingAgreementIDs, &t.FollowupIDs} {
		if *l == nil {
			*l = []int64{}
		}
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	if t.CustomFields == nil {
		t.CustomFields = []CustomField{}
	}
	if t.Via.Source.From == nil {
		t.Via.Source.From = map[string]any{}
	}
	if t.Via.Source.To == nil {
		t.Via.Source.To = map[string]any{}
	}
	if t.RawSubject == "" {
		t.RawSubject = t.Subject
	}
	if t.URL == "" && base != "" {
		t.URL = fmt.Sprintf("%s/api/v2/tickets/%d.json", strings.TrimRight(base, "/"), t.ID)
	}
	t.GeneratedTimestamp = t.UpdatedAt.Unix()
}

// putRaw stores one ticket's JSON as it is; the caller holds the lock (or is New).
func (s *Server) putRaw(raw json.RawMessage) error {
	var h struct {
		ID             int64               `json:"id"`
		UpdatedAt      time.Time           `json:"updated_at"`
		Generated      int64               `json:"generated_timestamp"`
		Status         string              `json:"status"`
		RequesterID    *int64              `json:"requester_id"`
		SubmitterID    *int64              `json:"submitter_id"`
		OrganizationID *int64              `json:"organization_id"`
		Rating         *SatisfactionRating `json:"satisfaction_rating"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return err
	}
	s.seq++
	e := &entry{id: h.ID, seq: s.seq, updated: h.UpdatedAt, generated: h.UpdatedAt, status: h.Status, org: h.OrganizationID, rating: h.Rating, raw: raw}
	if h.Generated > 0 {
		e.generated = time.Unix(h.Generated, 0).UTC()
	}
	if h.RequesterID != nil {
		e.requester = *h.RequesterID
	}
	if h.SubmitterID != nil {
		e.submitter = *h.SubmitterID
	}
	s.tickets[h.ID] = e
	return nil
}

// Delete marks a ticket deleted: the incremental export then returns it with status "deleted",
// show and show_many no longer do.
func (s *Server) Delete(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.tickets[id]
	if !ok {
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(e.raw, &m); err != nil {
		panic(err) // stored by putRaw: valid
	}
	// A deletion is a change: generated_timestamp moves to its instant.
	now := s.now().Truncate(time.Second).UTC()
	m["status"] = json.RawMessage(`"deleted"`)
	m["generated_timestamp"] = json.RawMessage(strconv.FormatInt(now.Unix(), 10))
	raw, _ := json.Marshal(m)
	s.seq++
	e.seq, e.status, e.raw, e.generated = s.seq, "deleted", raw, now
}

// PutOrganizations adds or replaces organizations.
func (s *Server) PutOrganizations(orgs ...Organization) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range orgs {
		if o.DomainNames == nil {
			o.DomainNames = []string{}
		}
		if o.Tags == nil {
			o.Tags = []string{}
		}
		if o.OrganizationFields == nil {
			o.OrganizationFields = map[string]any{}
		}
		raw, _ := json.Marshal(o)
		if err := s.putOrgRaw(raw); err != nil {
			panic(err)
		}
	}
}

func (s *Server) putOrgRaw(raw json.RawMessage) error {
	var h struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return err
	}
	if i, ok := s.orgIDs[h.ID]; ok {
		s.orgs[i] = raw
		return nil
	}
	s.orgIDs[h.ID] = len(s.orgs)
	s.orgs = append(s.orgs, raw)
	return nil
}

// PutUsers adds or replaces users (served as sideloads).
func (s *Server) PutUsers(users ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		raw, _ := json.Marshal(u)
		s.users[u.ID] = raw
	}
}

// FailNext queues failures: each applies to the next Count requests, in order.
func (s *Server) FailNext(fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		if f.Count <= 0 {
			f.Count = 1
		}
		s.failures = append(s.failures, f)
	}
}

// Requests returns the requests received so far (the last 10000), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Every answer carries the vendor's clock, as HTTP servers do (RFC 9110 section 6.6.1);
	// sources read "now" from it.
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	authorized := s.authorized(r)
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Authorized: authorized})
	if len(s.requests) > maxRequests {
		s.requests = slices.Delete(s.requests, 0, len(s.requests)-maxRequests)
	}
	if s.fail(w) {
		return
	}
	if !authorized {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
		return
	}
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "MethodNotAllowed"})
		return
	}
	p := strings.TrimSuffix(r.URL.Path, ".json")
	q := r.URL.Query()
	switch {
	case p == "/api/v2/incremental/tickets/cursor":
		s.incrementalTickets(w, r, q)
	case p == "/api/v2/incremental/ticket_events":
		s.ticketEventsExport(w, r)
	case p == "/api/v2/groups":
		s.groupsList(w, r)
	case p == "/api/v2/incremental/ticket_metric_events":
		s.metricEvents(w, r, q)
	case p == "/api/v2/satisfaction_ratings":
		s.ratings(w, r, q)
	case p == "/api/v2/organizations/show_many":
		s.showManyOrganizations(w, q)
	case p == "/api/v2/users/show_many":
		s.showManyUsers(w, q)
	case p == "/api/v2/custom_statuses":
		s.listCustomStatuses(w)
	case p == "/api/v2/search/export":
		s.searchExport(w, r, q)
	case p == "/api/v2/guide/survey_responses":
		s.surveyResponses(w, r, q)
	case p == "/api/v2/organizations":
		s.organizations(w, r, q)
	case strings.HasPrefix(p, "/api/v2/organizations/"):
		s.organization(w, strings.TrimPrefix(p, "/api/v2/organizations/"))
	case p == "/api/v2/tickets/show_many":
		s.showMany(w, q)
	case p == "/api/v2/tickets":
		s.listTickets(w)
	case strings.HasPrefix(p, "/api/v2/tickets/") && strings.HasSuffix(p, "/audits"):
		s.ticketAudits(w, strings.TrimPrefix(p, "/api/v2/tickets/"))
	case strings.HasPrefix(p, "/api/v2/tickets/"):
		s.showTicket(w, strings.TrimPrefix(p, "/api/v2/tickets/"))
	case p == "/api/v2/slas/policies":
		s.slaPolicies(w)
	case p == "/api/v2/business_hours/schedules":
		s.listSchedules(w)
	case strings.HasPrefix(p, "/api/v2/business_hours/schedules/"):
		s.scheduleHolidays(w, strings.TrimPrefix(p, "/api/v2/business_hours/schedules/"))
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "InvalidEndpoint", "description": "Not found"})
	}
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	want := "Bearer " + s.opts.Token
	if s.opts.Email != "" {
		want = "Basic " + base64.StdEncoding.EncodeToString([]byte(s.opts.Email+"/token:"+s.opts.Token))
	}
	return r.Header.Get("Authorization") == want
}

// fail writes the next injected failure, if any.
func (s *Server) fail(w http.ResponseWriter) bool {
	if len(s.failures) == 0 {
		return false
	}
	f := &s.failures[0]
	if f.After > 0 {
		f.After--
		return false
	}
	f.Count--
	kind, ra, status := f.Kind, f.RetryAfter, f.Status
	if f.Count <= 0 {
		s.failures = s.failures[1:]
	}
	switch kind {
	case RateLimited:
		w.Header().Set("Retry-After", strconv.Itoa(int(ra/time.Second)))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "APIRateLimitExceeded"})
	case ServerError:
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, map[string]string{"error": "ServiceUnavailable"})
	case Malformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"tickets": [{"id": 1, "subject": "cut off`))
	case Unauthorized:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
	case Refused:
		badRequest(w, "the cursor is invalid")
	default:
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

func badRequest(w http.ResponseWriter, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidPaginationParameter", "description": desc})
}

// requestURL rebuilds a URL on the host the client called, for after_url and next_page.
func requestURL(r *http.Request, path string, q url.Values) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: path, RawQuery: q.Encode()}).String()
}

// now is the vendor's clock.
func (s *Server) now() time.Time { return s.opts.Now() }
