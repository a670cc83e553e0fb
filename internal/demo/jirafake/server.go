// Package jirafake is a fake Jira (Cloud or Data Center, with Jira Service Management) that
// speaks the REST wire format the custops Jira source uses, for tests, benchmarks and the demo.
//
// It follows Atlassian's references field for field:
//   - Cloud issue search, GET /rest/api/3/search/jql with nextPageToken and isLast:
//     https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/
//     (the old GET /rest/api/{2,3}/search answers 410 Gone on Cloud, as it does since 2025)
//   - Data Center issue search, GET /rest/api/2/search with startAt, maxResults and total:
//     https://docs.atlassian.com/software/jira/docs/api/REST/latest/#api/2/search-search
//   - GET /rest/api/2/field, /rest/api/2/serverInfo and /rest/api/2/myself (same references,
//     groups "Issue fields", "Server info" and "Myself"), and /rest/api/2/status
//   - issue changelogs: Cloud's POST /rest/api/3/changelog/bulkfetch and searches with
//     expand=changelog (changelog.go)
//   - JSM SLA fields in the shape of https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-sla-get,
//     rendered at each answer in working time on Options.SLACalendar, goal-less cycles where no
//     goal applies (sla.go), and the request.channel.type issue property.
//   - Cloud's POST /rest/api/3/search/jql and reconcileIssues (searchpost.go), key-only pages of
//     up to 5,000 issues, and an eventually consistent search index: a write is searchable
//     Options.IndexDelay after it, a bulk edit Options.BulkIndexDelay (index.go).
//   - Data Center's startAt paging over a result that moves while it is paged: an issue updated
//     between two pages moves to the end and the next page skips one, as real Jira does.
//   - every answer's Date header on the fake's own clock (Options.Now).
//
// It understands the JQL the client sends (see jql.go) and refuses anything else with 400 and
// Jira's error shape. Failures can be injected with FailNext.
package jirafake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	jira "github.com/andygrunwald/go-jira"
)

// Flavor is the kind of Jira the fake pretends to be.
type Flavor string

// The flavors.
const (
	Cloud      Flavor = "cloud"
	DataCenter Flavor = "datacenter"
)

// Options configure a fake server.
type Options struct {
	Flavor Flavor // default Cloud
	// PageSize is the most issues one search page returns, whatever maxResults asks: Cloud caps
	// pages that carry fields at 100, Data Center at jira.search.views.default.max (1000).
	// Default 100.
	PageSize int
	// TimeZone is the searching user's time zone (myself.timeZone), in which JQL dates are read.
	// Default "UTC".
	TimeZone string
	// Email and Token, when Token is set, are the credentials every request must carry: basic
	// email:token on Cloud, a bearer personal access token on Data Center. Otherwise 401.
	Email, Token string
	// Fields is the field list served at /rest/api/2/field. Default DefaultFields().
	Fields []jira.Field
	// Metadata, when set, holds recorded metadata served as is: all_priorities.json at
	// /rest/api/2/priority, all_statuses.json at /rest/api/2/status, all_statuscategories.json
	// at /rest/api/2/statuscategory, all_resolutions.json at /rest/api/2/resolution. Without it,
	// /rest/api/2/status lists the stock statuses IssueFromTicket uses and the others answer 404.
	Metadata fs.FS
	// DeploymentType overrides serverInfo.deploymentType ("Cloud" / "Server" by flavor).
	DeploymentType string
	// Now is the fake's clock: it stamps recorded requests and the Date header, and times the
	// search index (index.go); default time.Now. Tests pass their fake clock.
	Now func() time.Time
	// IndexDelay is how long a write (Put, Delete) takes to become searchable, and
	// BulkIndexDelay how long a bulk edit (PutBulk) takes: Cloud's search is eventually
	// consistent, bulk edits slowest (index.go). Zero: searchable at once.
	IndexDelay, BulkIndexDelay time.Duration
	// SLACalendar is the calendar the issues' JSM SLAs count working time on when an answer
	// renders them (sla.go). Nil: around the clock.
	SLACalendar *SLACalendar
}

// RecordedRequest is one request the fake answered.
type RecordedRequest struct {
	Time     time.Time
	Method   string
	Path     string
	Endpoint string // search | changelog | field | serverInfo | myself | metadata | other
	// Query holds the query parameters; for a POST search, the body's fields as parameters
	// (jql, fields, properties, maxResults, nextPageToken, reconcileIssues).
	Query  url.Values
	Body   []byte // the request body (POST only)
	Status int
}

// JQL returns the request's jql parameter.
func (r RecordedRequest) JQL() string { return r.Query.Get("jql") }

// Fault is an injected failure, served instead of the normal answer.
type Fault struct {
	// Endpoint limits the fault to one endpoint name (search, field, serverInfo, myself); ""
	// applies it to the next requests whatever they ask.
	Endpoint string
	// Status is the HTTP status to answer, e.g. 429, 503 or 401. 0 serves the normal answer
	// (with Header added), to send rate-limit hints on a good response.
	Status int
	// RetryAfter is sent as the Retry-After header (seconds or an HTTP date) when not empty.
	RetryAfter string
	// Header is added to the response.
	Header http.Header
	// Malformed answers 200 with a truncated JSON body.
	Malformed bool
}

type pendingFault struct {
	Fault
	left int
}

// Server is the fake. It is an http.Handler; serve it with httptest.NewServer.
type Server struct {
	opts Options
	loc  *time.Location

	mu       sync.Mutex
	issues   map[string]*stored // the issues as they are
	indexed  map[string]*stored // the issues as a search finds them (index.go)
	pending  []reindex          // writes not yet searchable
	nextID   int
	version  int
	cache    map[string]cached
	requests []RecordedRequest
	faults   []*pendingFault

	bufs sync.Pool // response buffers: pages are large and many
}

type cached struct {
	version int
	list    []*stored
	warn    []string
	err     error
}

// New returns an empty fake server.
func New(opts Options) *Server {
	if opts.Flavor == "" {
		opts.Flavor = Cloud
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.TimeZone == "" {
		opts.TimeZone = "UTC"
	}
	if opts.Fields == nil {
		opts.Fields = DefaultFields()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	loc, err := time.LoadLocation(opts.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return &Server{opts: opts, loc: loc, issues: map[string]*stored{}, indexed: map[string]*stored{}, nextID: 10000, cache: map[string]cached{},
		bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
}

// Put adds or replaces issues. An issue needs a key and an "updated" field in Jira's format. A
// search finds the change after Options.IndexDelay.
func (s *Server) Put(issues ...Issue) error { return s.put(s.opts.IndexDelay, issues) }

// PutBulk is Put as a bulk edit does it: a search finds the changes after
// Options.BulkIndexDelay.
func (s *Server) PutBulk(issues ...Issue) error { return s.put(s.opts.BulkIndexDelay, issues) }

func (s *Server) put(delay time.Duration, issues []Issue) error {
	idx := make([]*stored, 0, len(issues))
	for _, is := range issues {
		st, err := index(is)
		if err != nil {
			return err
		}
		idx = append(idx, st)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range idx {
		if st.issue.ID == "" {
			if old, ok := s.issues[st.issue.Key]; ok {
				st.issue.ID = old.issue.ID
			} else {
				s.nextID++
				st.issue.ID = strconv.Itoa(s.nextID)
			}
		}
		s.issues[st.issue.Key] = st
		s.indexLater(st.issue.Key, delay)
	}
	s.version++
	return nil
}

// Delete removes an issue, as deleting it in Jira does; a search stops finding it after
// Options.IndexDelay. It reports whether the issue existed.
func (s *Server) Delete(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.issues[key]
	delete(s.issues, key)
	s.indexLater(key, s.opts.IndexDelay)
	s.version++
	return ok
}

// Issues returns the issues as they are (not as a search finds them), sorted by key: the desk's
// truth, for tests that compare what a client stored with it.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issue, 0, len(s.issues))
	for _, st := range s.issues {
		out = append(out, st.issue)
	}
	sort.Slice(out, func(i, j int) bool { return compareKeys(out[i].Key, out[j].Key) < 0 })
	return out
}

// Len returns how many issues the fake holds.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.issues)
}

// maxRecorded bounds the recorded requests.
const maxRecorded = 10000

// Requests returns the requests answered so far, oldest first (at most the last 10,000).
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RecordedRequest(nil), s.requests...)
}

// ResetRequests forgets the recorded requests, to count the requests of one step of a test.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

// FailNext makes the next n requests (to f.Endpoint, or any) answer with the fault f. Faults
// queue: each is served n times, in the order they were added.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, &pendingFault{Fault: f, left: n})
	s.mu.Unlock()
}

// takeFault returns the fault to serve for endpoint, if one is pending.
func (s *Server) takeFault(endpoint string) (Fault, bool) {
	for i, f := range s.faults {
		if f.Endpoint != "" && f.Endpoint != endpoint {
			continue
		}
		f.left--
		if f.left <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// endpointOf names what a request asks for; a search that expands the changelog counts as
// "changelog", as the client counts it.
func endpointOf(r *http.Request) string {
	switch path := r.URL.Path; path {
	case BulkChangelogPath:
		return "changelog"
	case "/rest/api/3/search/jql", "/rest/api/2/search/jql", "/rest/api/2/search", "/rest/api/3/search":
		if contains(splitList(r.URL.Query()["expand"]), "changelog") {
			return "changelog"
		}
		return "search"
	case "/rest/api/2/field", "/rest/api/3/field":
		return "field"
	case "/rest/api/2/serverInfo", "/rest/api/3/serverInfo":
		return "serverInfo"
	case "/rest/api/2/myself", "/rest/api/3/myself":
		return "myself"
	case "/rest/api/2/priority", "/rest/api/2/status", "/rest/api/2/statuscategory", "/rest/api/2/resolution":
		return "metadata"
	case "/rest/api/2/project", "/rest/api/3/project":
		return "project"
	}
	return "other"
}

// ServeHTTP answers one REST call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	endpoint := endpointOf(r)
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, 16<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.mu.Lock()
	fault, faulted := s.takeFault(endpoint)
	s.mu.Unlock()
	s.serve(rec, r, endpoint, fault, faulted)
	s.mu.Lock()
	if len(s.requests) >= maxRecorded {
		// A long-running demo polls for hours: keep the newest half, not everything.
		s.requests = append(s.requests[:0], s.requests[maxRecorded/2:]...)
	}
	query := r.URL.Query()
	if r.Method == http.MethodPost && endpoint == "search" {
		query = postValues(body)
	}
	s.requests = append(s.requests, RecordedRequest{
		Time: s.opts.Now(), Method: r.Method, Path: r.URL.Path, Endpoint: endpoint,
		Query: query, Body: body, Status: rec.status,
	})
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, endpoint string, fault Fault, faulted bool) {
	// Every answer carries the vendor's clock in Date (RFC 9110 section 6.6.1), the fake's own
	// Now: a fake clock set apart from the source's is a skewed vendor.
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	if faulted {
		for k, vs := range fault.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		switch {
		case fault.Malformed:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"issues":[{"id":"1","key":`))
			return
		case fault.Status == http.StatusUnauthorized:
			writeUnauthorized(w)
			return
		case fault.Status == http.StatusTooManyRequests:
			writeError(w, fault.Status, "Rate limit exceeded.")
			return
		case fault.Status >= 500:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(fault.Status)
			fmt.Fprintf(w, "<html><body>%d %s</body></html>", fault.Status, http.StatusText(fault.Status))
			return
		case fault.Status != 0:
			writeError(w, fault.Status, http.StatusText(fault.Status))
			return
		}
	}
	if !s.authorized(r) {
		writeUnauthorized(w)
		return
	}
	cloud := s.opts.Flavor == Cloud
	if r.URL.Path == BulkChangelogPath {
		switch {
		case !cloud:
			writeError(w, http.StatusNotFound, "null for uri: "+r.URL.Path)
		case r.Method != http.MethodPost:
			writeError(w, http.StatusMethodNotAllowed, "Method not allowed.")
		default:
			body, _ := io.ReadAll(r.Body)
			s.bulkChangelog(w, body)
		}
		return
	}
	if r.Method == http.MethodPost && cloud && strings.HasSuffix(r.URL.Path, "/search/jql") && endpoint == "search" {
		// POST /rest/api/3/search/jql: the same search with its parameters in a JSON body.
		s.searchPost(w, r)
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed by this fake.")
		return
	}
	switch p := r.URL.Path; {
	case (endpoint == "search" || endpoint == "changelog") && strings.HasSuffix(p, "/search/jql"):
		if !cloud {
			writeError(w, http.StatusNotFound, "null for uri: "+p)
			return
		}
		s.search(w, r, r.URL.Query(), true)
	case endpoint == "search" || endpoint == "changelog":
		if cloud {
			// Cloud removed the offset search in 2025 (CHANGE-2046).
			writeError(w, http.StatusGone, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
			return
		}
		s.search(w, r, r.URL.Query(), false)
	case endpoint == "field":
		writeJSON(w, s.opts.Fields)
	case endpoint == "serverInfo":
		s.serverInfo(w, r)
	case endpoint == "myself":
		s.myself(w, r)
	case endpoint == "metadata":
		s.metadata(w, r)
	case endpoint == "project":
		s.projects(w, r)
	default:
		writeError(w, http.StatusNotFound, "null for uri: "+p)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	if s.opts.Flavor == Cloud {
		u, p, ok := r.BasicAuth()
		return ok && u == s.opts.Email && p == s.opts.Token
	}
	return r.Header.Get("Authorization") == "Bearer "+s.opts.Token
}

func (s *Server) serverInfo(w http.ResponseWriter, r *http.Request) {
	dt := s.opts.DeploymentType
	version, numbers := "9.12.15", []int{9, 12, 15}
	if dt == "" {
		dt = "Server"
		if s.opts.Flavor == Cloud {
			dt = "Cloud"
		}
	}
	if s.opts.Flavor == Cloud {
		version, numbers = "1001.0.0-SNAPSHOT", []int{1001, 0, 0}
	}
	writeJSON(w, map[string]any{
		"baseUrl": baseURL(r), "version": version, "versionNumbers": numbers, "deploymentType": dt,
		"buildNumber": 100280, "buildDate": "2025-10-01T00:00:00.000+0000",
		"serverTime": s.opts.Now().In(s.loc).Format(TimeLayout), "scmInfo": "fake", "serverTitle": "Jira (jirafake)",
	})
}

func (s *Server) myself(w http.ResponseWriter, r *http.Request) {
	me := map[string]any{
		"self": baseURL(r) + "/rest/api/2/user?accountId=5b10a2844c20165700ede21g", "emailAddress": s.opts.Email,
		"displayName": "custops exporter", "active": true, "timeZone": s.opts.TimeZone, "locale": "en_US",
	}
	if s.opts.Flavor == Cloud {
		me["accountId"], me["accountType"] = "5b10a2844c20165700ede21g", "atlassian"
	} else {
		me["name"], me["key"] = "custops", "JIRAUSER10100"
	}
	writeJSON(w, me)
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	file := map[string]string{
		"/rest/api/2/priority":       "all_priorities.json",
		"/rest/api/2/status":         "all_statuses.json",
		"/rest/api/2/statuscategory": "all_statuscategories.json",
		"/rest/api/2/resolution":     "all_resolutions.json",
	}[r.URL.Path]
	if s.opts.Metadata == nil {
		if r.URL.Path == "/rest/api/2/status" {
			writeJSON(w, stockStatuses(baseURL(r)))
			return
		}
		writeError(w, http.StatusNotFound, "null for uri: "+r.URL.Path)
		return
	}
	b, err := fs.ReadFile(s.opts.Metadata, file)
	if err != nil {
		writeError(w, http.StatusNotFound, "null for uri: "+r.URL.Path)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Write(b)
}

// search answers GET /rest/api/3/search/jql (cloud) or GET /rest/api/2/search (data center),
// with the parameters q.
func (s *Server) search(w http.ResponseWriter, r *http.Request, q url.Values, cloud bool) {
	jql := q.Get("jql")
	limit := s.opts.PageSize
	if cloud && keysOnly(q["fields"]) {
		// "The greatest number of items returned per page is achieved when requesting id or key
		// only": 5,000 (https://jira.atlassian.com/browse/ECO-1010).
		limit = max(limit, keyOnlyPageSize)
	}
	var reconcile []string
	if cloud {
		reconcile = splitList(q["reconcileIssues"])
		if len(reconcile) > maxReconcileIssues {
			writeError(w, http.StatusBadRequest, "The maximum number of issues to reconcile is 50.")
			return
		}
	}
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "The value '"+v+"' is invalid for maxResults.")
			return
		}
		if n < limit {
			limit = n
		}
	} else if limit > 50 {
		limit = 50 // both references: maxResults defaults to 50
	}
	// Data Center's validateQuery=warn (or false) turns unknown keys into warnings; Cloud's
	// enhanced search has no such parameter.
	warnMode := !cloud && (q.Get("validateQuery") == "warn" || q.Get("validateQuery") == "false" || q.Get("validateQuery") == "none")
	list, warnings, err := s.run(jql, warnMode, cloud, reconcile)
	if err != nil {
		msgs := []string{err.Error()}
		if je, ok := err.(*jqlError); ok {
			msgs = je.msgs
		}
		writeErrors(w, http.StatusBadRequest, msgs)
		return
	}
	start := 0
	if cloud {
		if tok := q.Get("nextPageToken"); tok != "" {
			if start, err = decodeToken(tok, jql); err != nil {
				writeError(w, http.StatusBadRequest, "The provided next page token is invalid or expired.")
				return
			}
		}
	} else if v := q.Get("startAt"); v != "" {
		if start, err = strconv.Atoi(v); err != nil || start < 0 {
			writeError(w, http.StatusBadRequest, "The value '"+v+"' is invalid for startAt.")
			return
		}
	}
	end := min(start+limit, len(list))
	start = min(start, end)
	page := list[start:end]

	sel := selectFields(q["fields"], cloud)
	props := splitList(q["properties"])
	changelog := contains(splitList(q["expand"]), "changelog")
	b := s.bufs.Get().(*bytes.Buffer)
	defer s.bufs.Put(b)
	b.Reset()
	if cloud {
		b.WriteString(`{"issues":[`)
	} else {
		fmt.Fprintf(b, `{"expand":"schema,names","startAt":%d,"maxResults":%d,"total":%d,`, start, limit, len(list))
		if len(warnings) > 0 {
			b.WriteString(`"warningMessages":`)
			wb, _ := json.Marshal(warnings)
			b.Write(wb)
			b.WriteByte(',')
		}
		b.WriteString(`"issues":[`)
	}
	base := baseURL(r)
	api := "/rest/api/2/issue/"
	if strings.HasPrefix(r.URL.Path, "/rest/api/3/") {
		api = "/rest/api/3/issue/"
	}
	selKey := strings.Join(q["fields"], ",") + "\x00" + strings.Join(props, ",") + "\x00" + base + api +
		"\x00" + strconv.FormatBool(changelog)
	now := s.opts.Now()
	for i, st := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		// An issue's answer for a selection is kept until it changes (Put replaces the whole
		// stored issue), so paging a large desk again costs the fake a copy, not an encoding;
		// one whose SLA clocks run is answered as of its instant.
		key := selKey
		if st.live {
			key += "\x00" + strconv.FormatInt(now.UnixNano(), 10)
		}
		if e := st.enc.Load(); e != nil && e.key == key {
			b.Write(e.json)
			continue
		}
		start := b.Len()
		writeIssue(b, st, sel, props, base+api, changelog, cloud, now, s.opts.SLACalendar)
		st.enc.Store(&encoded{key: key, json: bytes.Clone(b.Bytes()[start:])})
	}
	b.WriteString(`]`)
	if cloud {
		last := end >= len(list)
		if !last {
			b.WriteString(`,"nextPageToken":`)
			tb, _ := json.Marshal(encodeToken(end, jql))
			b.Write(tb)
		}
		fmt.Fprintf(b, `,"isLast":%t`, last)
	}
	b.WriteByte('}')
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Write(b.Bytes())
}

// run evaluates a query over the search index, caching the result until the index changes, so
// paging through a large result costs the fake one filter and sort, not one per page. The issues
// whose ids are in reconcile are read as they are, not as indexed (index.go).
func (s *Server) run(jql string, warn, cloud bool, reconcile []string) ([]*stored, []string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.catchUp()
	return s.runLocked(jql, warn, cloud, reconcile)
}

// keysetQuery is the incremental search a client pages by key set, each page from a new instant:
// (<filter>) AND updated >= "<date>" ORDER BY updated ASC[, key ASC].
var keysetQuery = regexp.MustCompile(`^(?:(\(.*\)) AND )?updated >= "([^"]*)" (ORDER BY updated ASC(?:, key ASC)?)$`)

func (s *Server) runLocked(jql string, warn, cloud bool, reconcile []string) ([]*stored, []string, error) {
	ck := fmt.Sprintf("%t\x00%t\x00%s\x00%s", warn, cloud, jql, strings.Join(reconcile, ","))
	if c, ok := s.cache[ck]; ok && c.version == s.version {
		return c.list, c.warn, c.err
	}
	if m := keysetQuery.FindStringSubmatch(jql); m != nil && len(reconcile) == 0 && !warn {
		// A real index finds where an instant starts without a scan; the fake keeps the
		// filter's result in updated order and starts at the instant, so a large desk paged by
		// key set is not a filter and a sort per page.
		if from, err := parseJQLDate(m[2], s.loc); err == nil {
			base, _, err := s.runLocked(strings.TrimSpace(m[1]+" "+m[3]), false, false, nil)
			if err == nil {
				i := sort.Search(len(base), func(i int) bool { return !base[i].updated.Before(from) })
				return base[i:], nil, nil
			}
		}
	}
	var warnings []string
	exists := func(k string) bool {
		_, ok := s.issues[k]
		if !ok && warn {
			warnings = append(warnings, fmt.Sprintf("An issue with key '%s' does not exist for field 'key'.", k))
		}
		return ok
	}
	pq, err := parseQuery(jql, s.loc, exists, warn)
	if err == nil && pq.where == nil && cloud {
		err = errf("Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")
	}
	var list []*stored
	if err == nil {
		fresh := map[string]bool{}
		for _, id := range reconcile {
			fresh[id] = true
		}
		for _, st := range s.indexed {
			if !fresh[st.issue.ID] && (pq.where == nil || pq.where.eval(st)) {
				list = append(list, st)
			}
		}
		if len(fresh) > 0 {
			for _, st := range s.issues {
				if fresh[st.issue.ID] && (pq.where == nil || pq.where.eval(st)) {
					list = append(list, st)
				}
			}
		}
		sortIssues(list, pq.orderBy)
	}
	if len(s.cache) > 64 {
		clear(s.cache)
	}
	s.cache[ck] = cached{version: s.version, list: list, warn: warnings, err: err}
	return list, warnings, err
}

// fieldSel is which fields a search asked for.
type fieldSel struct {
	none bool // Cloud without fields: ids only
	all  bool
	ids  []string
}

func selectFields(params []string, cloud bool) fieldSel {
	ids := splitList(params)
	if len(ids) == 0 {
		if cloud {
			return fieldSel{none: true} // search/jql returns only issue ids unless fields is given
		}
		return fieldSel{all: true} // /rest/api/2/search defaults to *navigable
	}
	var sel fieldSel
	for _, id := range ids {
		switch id {
		case "*all", "*navigable":
			sel.all = true
		case "id", "key":
		default:
			sel.ids = append(sel.ids, id)
		}
	}
	return sel
}

func splitList(params []string) []string {
	var out []string
	for _, p := range params {
		for _, v := range strings.Split(p, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// writeIssue writes one issue of a search answer; changelog adds its change history (with
// Cloud's fieldId on the items when cloud).
func writeIssue(b *bytes.Buffer, st *stored, sel fieldSel, props []string, self string, changelog, cloud bool, now time.Time, cal *SLACalendar) {
	b.WriteString(`{"id":`)
	writeString(b, st.issue.ID)
	if sel.none {
		b.WriteByte('}')
		return
	}
	b.WriteString(`,"self":"`)
	b.WriteString(self) // the server's own URL
	b.WriteString(st.issue.ID)
	b.WriteByte('"')
	b.WriteString(`,"key":`)
	writeString(b, st.issue.Key)
	b.WriteString(`,"fields":{`)
	n := 0
	field := func(id string) {
		raw, ok := st.issue.Fields[id]
		if !ok {
			return
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		writeString(b, id)
		b.WriteByte(':')
		if v, ok := st.issue.SLAs[id]; ok {
			sb, _ := json.Marshal(v.At(now, cal)) // maps of plain values: cannot fail
			b.Write(sb)
			return
		}
		b.Write(raw)
	}
	if sel.all {
		for _, id := range st.fieldNames {
			field(id)
		}
	} else {
		for _, id := range sel.ids {
			field(id)
		}
	}
	b.WriteByte('}')
	if len(props) > 0 {
		b.WriteString(`,"properties":{`)
		n := 0
		for _, p := range props {
			raw, ok := st.issue.Properties[p]
			if !ok {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			writeString(b, p)
			b.WriteByte(':')
			b.Write(raw)
		}
		b.WriteByte('}')
	}
	if changelog {
		writeChangelog(b, st.issue.Changelog, cloud)
	}
	b.WriteByte('}')
}

// writeString writes s as a JSON string: plain ASCII directly (ids, keys, field names), anything
// else through encoding/json for correct escaping.
func writeString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s)
			b.Write(enc)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// Page tokens are opaque to clients; this one carries the offset and a hash of the JQL, so a
// token replayed with another query is refused as Jira refuses it.
func encodeToken(offset int, jql string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d:%x", offset, jqlHash(jql))))
}

func decodeToken(tok, jql string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	var off int
	var h uint64
	if _, err := fmt.Sscanf(string(raw), "%d:%x", &off, &h); err != nil {
		return 0, err
	}
	if h != jqlHash(jql) || off < 0 {
		return 0, fmt.Errorf("token for another query")
	}
	return off, nil
}

func jqlHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with Jira's error collection shape.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeErrors(w, status, []string{msg})
}

func writeErrors(w http.ResponseWriter, status int, msgs []string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errorMessages": msgs, "errors": map[string]string{}})
}

func writeUnauthorized(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte("Client must be authenticated to access this resource."))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
