// Package jira is the custops source for Jira Cloud and Jira Data Center with Jira Service
// Management.
//
// A poll asks only for what changed since the cursor, with JQL
//
//	(<filter>) AND updated >= "<cursor - 1m>" ORDER BY updated ASC
//
// and only the fields the tickets need, through Cloud's GET /rest/api/3/search/jql
// (nextPageToken paging) or Data Center's GET /rest/api/2/search (startAt paging), over the
// shared vendor HTTP layer (client.go). Each page is decoded with encoding/json into plain
// structs (decode.go), normalized and applied to the store with the cursor that resumes after
// it, in order, before the next page is asked for. A reconcile pass asks which of the stored open
// tickets still match the filter, keys only, and deletes the others.
//
// With sla computed or both, tickets carry their state history for collector/sla, read from
// the changelog of only the issues whose status changed (history.go: Cloud's bulk changelog,
// Data Center's search with expand=changelog). With sla native no changelog is asked.
//
// JSM specifics (SLA fields, organizations, satisfaction, request type) are found by their
// schema type in /rest/api/2/field; SLA cycles are read natively; the request channel comes
// from the request.channel.type issue property.
//
// Mapping decisions:
//   - state: config statuses, then the stock JSM names (Waiting for customer, Waiting for
//     support, Pending, Waiting for third party, Closed), then the status category (new,
//     indeterminate, done); none of these: in_progress and quality unknown_status.
//   - priority: config priorities over the stock names (Highest/Blocker/Critical p1,
//     High/Major p2, Medium p3, Low/Lowest/Minor/Trivial p4); unknown or missing: the
//     default priority and quality unknown_priority.
//   - channel: portal, email, api as such, jira (an agent raised it) as agent, others as other.
//     A JSM request (one with a request type) without the property gets quality
//     unknown_channel, since JSM sets it on every request; a plain Jira issue does not.
//   - escalated: a label or status in escalation (default: label "escalated", status
//     "Escalated"); incident: an issue type in incident_types (default: Incident).
//   - CSAT: satisfaction rating 1-5, good at >= 4, dated by the satisfaction date field, else
//     by the update that first carried it. First reply: the first completed first_response
//     cycle's stop. Reopened: a ticket held resolved that comes back open.
package jira

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
)

const (
	flavorCloud      = "cloud"
	flavorDataCenter = "datacenter"

	defaultPageSize = 100
	// reconcileChunk keys go into one `key in (...)`: short enough for a GET URL.
	reconcileChunk = 100
)

// Source polls one Jira site. Polls and reconciles of one source must not run concurrently
// (the collector runs them from one goroutine per source).
type Source struct {
	cfg      config.Source
	c        *vendorhttp.Client
	m        *mapper
	log      *slog.Logger
	now      func() time.Time
	pageSize int
	filter   string
	// computed: the source's SLAs are computed by custops (sla: computed or both), which needs
	// each ticket's state history from the changelog (history.go).
	computed bool

	// categories maps a lowercased status name to its category key, learnt from the issues
	// polled, for the statuses a changelog names. Used on the fetch side of a poll only.
	categories map[string]string
	statusesAt time.Time // when the site's status list was last read for them

	// warned holds the fields already logged as having an unexpected shape.
	warned map[string]bool

	// Learnt by prepare.
	ready     bool
	flavor    string
	fields    []string
	loc       *time.Location
	zoneSlack time.Duration
}

// New builds a Jira source from its config (a source.Factory). It reads the token now, so a
// missing credential fails at start-up; nothing is requested from Jira until the first poll.
func New(cfg config.Source, deps source.Deps) (source.Source, error) {
	return newSource(cfg, deps)
}

func newSource(cfg config.Source, deps source.Deps) (*Source, error) {
	switch cfg.Flavor {
	case "", flavorCloud, flavorDataCenter:
	default:
		return nil, fmt.Errorf("jira source %q: flavor %q: want cloud or datacenter", cfg.Name, cfg.Flavor)
	}
	if regexp.MustCompile(`(?i)\border\s+by\b`).MatchString(cfg.JQL) {
		return nil, fmt.Errorf("jira source %q: jql must be a filter without ORDER BY (the source orders by updated)", cfg.Name)
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	c, err := newClient(cfg, deps)
	if err != nil {
		return nil, err
	}
	pageSize := cfg.PageSize
	if pageSize <= 0 {
		pageSize = defaultPageSize
	}
	// The poller already names the source on the logger (as ticket_source; promslog keeps
	// "source" for the code location).
	return &Source{
		cfg:      cfg,
		c:        c,
		m:        newMapper(cfg, strings.TrimRight(cfg.URL, "/")),
		log:      deps.Logger,
		now:      deps.Now,
		pageSize: pageSize,
		filter:   strings.TrimSpace(cfg.JQL),
		computed: cfg.SLA == config.SLAComputed || cfg.SLA == config.SLABoth,
		flavor:   cfg.Flavor,
		warned:   map[string]bool{},
	}, nil
}

// scope fingerprints the config the stored tickets were built with.
func (s *Source) scope() string {
	c := s.cfg
	return scopeOf(s.filter, s.fields, c.Priorities, c.DefaultPriority, c.Statuses, c.Escalation,
		c.IncidentTypes, c.SLANames, c.CustomerFrom)
}

// Poll fetches what changed since the stored cursor and applies it page by page.
func (s *Source) Poll(ctx context.Context, st source.Store) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	cur, err := decodeCursor(st.Cursor())
	if err != nil {
		s.log.Warn("cursor_unreadable_resync", "err", err)
	}
	scope := s.scope()
	resync := cur.Scope != scope
	if resync {
		if cur.Scope != "" {
			s.log.Info("config_changed_resync")
		}
		cur = cursor{Scope: scope}
	}
	jql := incrementalJQL(s.filter, cur, s.loc, s.zoneSlack)
	props := url.Values{"properties": {"request.channel.type"}}
	fetched, applied := 0, 0
	apply := func(page decodedPage) error {
		n, err := s.applyPage(page, st, &cur, resync)
		fetched += len(page.issues)
		applied += n
		return err
	}
	var hb historyBatch // computed SLAs: pages waiting for their issues' changelogs
	err = s.searchPages(ctx, "search", jql, s.fields, props, s.pageSize, func() any { return &searchPage{} }, func(v any) (pageMeta, int, error) {
		page := readPage(v.(*searchPage))
		if !s.computed {
			return page.meta, len(page.issues), apply(page)
		}
		hb.add(page, s.needing(st, page.issues))
		if hb.ready() {
			return page.meta, len(page.issues), s.flushHistories(ctx, &hb, apply, false)
		}
		return page.meta, len(page.issues), nil
	})
	if err == nil && s.computed {
		err = s.flushHistories(ctx, &hb, apply, true)
	}
	s.log.Debug("poll_done", "fetched", fetched, "applied", applied, "resync", resync)
	return err
}

// applyPage normalizes a page's issues and applies those not applied before, with the cursor
// that resumes after the page. It returns how many tickets it wrote.
func (s *Source) applyPage(page decodedPage, st source.Store, cur *cursor, resync bool) (int, error) {
	now := s.now()
	next := *cur
	var batch source.Batch
	for i := range page.issues {
		r := &page.issues[i]
		up := timeOrZero(r.sys.Updated)
		prev, had := st.Get(r.Key)
		if !resync && !up.IsZero() && (cur.seen(r.Key, up) || (had && prev.Updated.Equal(up))) {
			next.advance(r.Key, up) // fetched again through the overlap: already applied
			continue
		}
		if !had {
			prev = nil
		}
		t, err := s.m.toTicket(r, prev, now)
		if err != nil {
			return 0, fmt.Errorf("jira source %q: %w: %w", s.cfg.Name, vendorhttp.ErrMalformed, err)
		}
		s.warnOdd(r)
		if s.computed {
			h, ok := page.history[t.Key]
			t.Transitions = mergeHistory(t, prev, h, ok)
		}
		batch.Upserts = append(batch.Upserts, t)
		next.advance(t.Key, t.Updated)
	}
	if len(batch.Upserts) == 0 && next.Updated.Equal(cur.Updated) && len(next.Keys) == len(cur.Keys) {
		return 0, nil // nothing new: no write
	}
	batch.Cursor = next.encode()
	if err := st.Apply(batch); err != nil {
		return 0, fmt.Errorf("jira source %q: applying batch: %w", s.cfg.Name, err)
	}
	*cur = next
	return len(batch.Upserts), nil
}

// warnOdd logs, once per field, a field that came in another shape than expected: decoding went
// on without it.
func (s *Source) warnOdd(r *issueRec) {
	for _, f := range r.odd {
		if !s.warned[f] {
			s.warned[f] = true
			s.log.Warn("unexpected_field_type", "field", f, "issue", r.Key)
		}
	}
}

// Reconcile asks, in chunks of keys, which of the stored open tickets still exist and match
// the filter, and deletes the others.
func (s *Source) Reconcile(ctx context.Context, st source.Store) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	keys := slices.Clone(st.OpenKeys())
	slices.Sort(keys)
	deleted := 0
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), reconcileChunk)]
		keys = keys[len(chunk):]
		gone, err := s.reconcileChunk(ctx, chunk)
		if err != nil {
			return err
		}
		if len(gone) == 0 {
			continue
		}
		if err := st.Apply(source.Batch{Deletes: gone}); err != nil {
			return fmt.Errorf("jira source %q: applying deletes: %w", s.cfg.Name, err)
		}
		deleted += len(gone)
	}
	s.log.Debug("reconcile_done", "deleted", deleted)
	return nil
}

// missingKey matches Jira's 400 for a key that no longer exists in `key in (...)`.
var missingKey = regexp.MustCompile(`An issue with key '([^']+)' does not exist`)

// reconcileChunk returns the keys of chunk that are gone from the filter. Jira answers
// `key in (...)` naming a deleted issue with 400 "An issue with key 'X' does not exist" (Data
// Center does not when asked with validateQuery=warn; Cloud's search/jql has no such switch):
// those keys are gone, and the chunk is asked again without them.
func (s *Source) reconcileChunk(ctx context.Context, chunk []string) ([]string, error) {
	var gone []string
	for len(chunk) > 0 {
		extra := url.Values{}
		if s.flavor == flavorDataCenter {
			extra.Set("validateQuery", "warn")
		}
		present := map[string]bool{}
		newPage := func() any { return &keysPage{} }
		err := s.searchPages(ctx, "search", reconcileJQL(s.filter, chunk), []string{"key"}, extra, len(chunk), newPage, func(v any) (pageMeta, int, error) {
			page := v.(*keysPage)
			for _, is := range page.Issues {
				present[is.Key] = true
			}
			return page.pageMeta, len(page.Issues), nil
		})
		var se *vendorhttp.StatusError
		if errors.As(err, &se) && se.Code == http.StatusBadRequest {
			missing := map[string]bool{}
			for _, msg := range errorMessages(se) {
				if m := missingKey.FindStringSubmatch(msg); m != nil && slices.Contains(chunk, m[1]) {
					missing[m[1]] = true
				}
			}
			if len(missing) > 0 {
				chunk = slices.DeleteFunc(slices.Clone(chunk), func(k string) bool { return missing[k] })
				for k := range missing {
					gone = append(gone, k)
				}
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		for _, k := range chunk {
			if !present[k] {
				gone = append(gone, k)
			}
		}
		break
	}
	slices.Sort(gone)
	return gone, nil
}

// searchPages runs a search page by page, its requests counted under endpoint: each page
// decodes into a fresh newPage() value and goes to fn, which returns its paging fields and issue
// count, before the next is asked for; so a failure part-way leaves the earlier pages applied.
func (s *Source) searchPages(ctx context.Context, endpoint, jql string, fields []string, extra url.Values, maxResults int,
	newPage func() any, fn func(page any) (pageMeta, int, error)) error {
	cloud := s.flavor == flavorCloud
	path := "/rest/api/2/search"
	if cloud {
		path = "/rest/api/3/search/jql"
	}
	token, startAt := "", 0
	for {
		q := url.Values{}
		for k, v := range extra {
			q[k] = v
		}
		q.Set("jql", jql)
		q.Set("maxResults", strconv.Itoa(maxResults))
		q.Set("fields", strings.Join(fields, ","))
		if cloud && token != "" {
			q.Set("nextPageToken", token)
		} else if !cloud && startAt > 0 {
			q.Set("startAt", strconv.Itoa(startAt))
		}
		page := newPage()
		if err := s.c.Get(ctx, endpoint, path, q, page); err != nil {
			return err
		}
		meta, n, err := fn(page)
		if err != nil {
			return err
		}
		if cloud {
			if meta.NextPageToken == "" || (meta.IsLast != nil && *meta.IsLast) {
				return nil
			}
			if meta.NextPageToken == token {
				return fmt.Errorf("jira source %q: %w: search repeated its nextPageToken", s.cfg.Name, vendorhttp.ErrMalformed)
			}
			token = meta.NextPageToken
			continue
		}
		startAt += n
		if n == 0 || startAt >= meta.Total {
			return nil
		}
	}
}

// keysPage is a search page of a key-only search (reconcile).
type keysPage struct {
	pageMeta
	Issues []struct {
		Key string `json:"key"`
	} `json:"issues"`
}
