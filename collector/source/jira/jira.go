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
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
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
	// history: tickets carry their state history (computed SLAs, or teams in the config) and,
	// when a team rule reads them, their handling history (teams.go).
	history bool

	// categories maps a lowercased status name to its category key, learnt from the issues
	// polled, for the statuses a changelog names. Used on the fetch side of a poll only.
	categories map[string]string
	statusesAt time.Time // when the site's status list was last read for them

	// warned holds what was logged once already (warnOnce).
	warned map[string]bool
	// ids are the numeric ids of the open tickets seen, by key, for reconcileIssues.
	ids map[string]int64
	// server is the vendor's clock from serverInfo, in a poll whose answers carry no Date.
	server serverClock
	// maxPages bounds every paging loop (paging.go); tests lower it.
	maxPages int

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
		history:  cfg.SLA == config.SLAComputed || cfg.SLA == config.SLABoth || cfg.TrackStates || cfg.ReadHandling,
		flavor:   cfg.Flavor,
		warned:   map[string]bool{},
		ids:      map[string]int64{},
		maxPages: maxPages,
	}, nil
}

// scope fingerprints the config the stored tickets were built with.
func (s *Source) scope() string {
	c := s.cfg
	return scopeOf(s.filter, s.fields, c.Priorities, c.DefaultPriority, c.Statuses, c.Escalation,
		c.IncidentTypes, c.SLANames, c.CustomerFrom, c.Channels)
}

// Poll fetches what changed since the stored cursor, less lookBack, and applies it page by page.
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
	var from time.Time
	if !cur.Updated.IsZero() {
		from = cur.Updated.Add(-lookBack)
	}
	s.server = serverClock{} // read again in this poll if the answers carry no Date
	fetched, applied := 0, 0
	apply := func(page decodedPage) error {
		limit, err := s.cursorLimit(ctx)
		if err != nil {
			return err
		}
		n, err := s.applyPage(page, st, &cur, resync, limit)
		fetched += len(page.issues)
		applied += n
		return err
	}
	var hb historyBatch // computed SLAs: pages waiting for their issues' changelogs
	held, err := s.pollPages(ctx, from, channelProps, func(page decodedPage) error {
		if !s.history {
			return apply(page)
		}
		hb.add(page, s.needing(st, page.issues))
		if hb.ready() {
			return s.flushHistories(ctx, &hb, apply, false)
		}
		return nil
	})
	if err == nil && s.history {
		err = s.flushHistories(ctx, &hb, apply, true)
	}
	if err == nil && cur.capAt(held) {
		// Issues moved while a minute denser than a page was paged by offset: one may have
		// been skipped, so the next poll reads that minute again.
		s.log.Info("search_moved_while_paging", "read_again_from", held.UTC().Format(time.RFC3339))
		if err = st.Apply(source.Batch{Cursor: cur.encode()}); err != nil {
			err = fmt.Errorf("jira source %q: applying cursor: %w", s.cfg.Name, err)
		}
	}
	s.log.Debug("poll_done", "fetched", fetched, "applied", applied, "resync", resync)
	return err
}

// channelProps are the issue properties a search asks for: JSM's request channel.
var channelProps = []string{"request.channel.type"}

// serverClock is the vendor's clock read from serverInfo, for answers without a Date header.
type serverClock struct {
	server, local time.Time // serverTime, and our clock when it was read
}

// cursorLimit is the latest instant a cursor may hold: the vendor's clock (the Date of its last
// answer, else serverInfo's serverTime, read once a poll) minus clockMargin.
func (s *Source) cursorLimit(ctx context.Context) (time.Time, error) {
	if now, ok := s.c.VendorNow(); ok {
		return now.Add(-clockMargin), nil
	}
	if s.server.local.IsZero() {
		var info struct {
			ServerTime string `json:"serverTime"`
		}
		if err := s.c.Get(ctx, "serverInfo", "/rest/api/2/serverInfo", nil, &info); err != nil {
			return time.Time{}, err
		}
		t, err := parseJiraTime(info.ServerTime)
		if err != nil {
			// Neither a Date nor a server time: our own clock is the best bound left.
			s.warnOnce("no_vendor_clock", "no_vendor_clock", "err", err)
			t = s.now()
		}
		s.server = serverClock{server: t, local: s.now()}
	}
	return s.server.server.Add(s.now().Sub(s.server.local)).Add(-clockMargin), nil
}

// applyPage normalizes a page's issues and applies those not applied before, with the cursor
// that resumes after the page, held at or before limit. It returns how many tickets it wrote.
//
// An issue whose stored version is as recent or more recent is passed over: fetched again
// through the look-back, or a stale copy from a search index that lags (Cloud's search is
// eventually consistent, https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/).
func (s *Source) applyPage(page decodedPage, st source.Store, cur *cursor, resync bool, limit time.Time) (int, error) {
	now := s.now()
	next := *cur
	var batch source.Batch
	for i := range page.issues {
		r := &page.issues[i]
		up := timeOrZero(r.sys.Updated)
		s.noteFuture(r.Key, up, limit)
		prev, had := st.Get(r.Key)
		if !resync && !up.IsZero() && (cur.seen(r.Key, up) || (had && !prev.Updated.Before(up))) {
			next.advance(r.Key, up)
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
		s.carryHistory(t, prev, r, &page)
		s.learnID(r, t)
		batch.Upserts = append(batch.Upserts, t)
		next.advance(t.Key, t.Updated)
	}
	next.capAt(limit)
	if len(batch.Upserts) == 0 && next.Updated.Equal(cur.Updated) && slices.Equal(next.Keys, cur.Keys) {
		return 0, nil // nothing new: no write
	}
	batch.Cursor = next.encode()
	if err := st.Apply(batch); err != nil {
		return 0, fmt.Errorf("jira source %q: applying batch: %w", s.cfg.Name, err)
	}
	*cur = next
	return len(batch.Upserts), nil
}

// noteFuture logs, once per issue, an issue updated later than the vendor's own clock: a node
// with a fast clock, or an import. The cursor does not follow it (cursorLimit); the issue is
// read again by each poll until its instant has passed.
func (s *Source) noteFuture(key string, up, limit time.Time) {
	if limit.IsZero() || up.Sub(limit) <= 2*clockMargin {
		return
	}
	s.warnOnce("future:"+key, "issue_updated_in_future", "issue", key, "updated", up.Format(time.RFC3339),
		"vendor_now", limit.Add(clockMargin).Format(time.RFC3339))
}

// warnOnce logs msg at Warn the first time id comes up. The ids remembered are bounded: past
// maxWarned they are forgotten and may be logged again.
func (s *Source) warnOnce(id, msg string, args ...any) {
	if s.warned[id] {
		return
	}
	if len(s.warned) >= maxWarned {
		clear(s.warned)
	}
	s.warned[id] = true
	s.log.Warn(msg, args...)
}

const maxWarned = 1000

// learnID remembers the numeric id of an open ticket, for reconcileIssues (reconcile.go); a
// ticket resolved or closed is forgotten.
func (s *Source) learnID(r *issueRec, t *ticket.Ticket) {
	if !t.Open() {
		delete(s.ids, r.Key)
		return
	}
	if id, err := parseID(r.ID); err == nil {
		s.ids[r.Key] = id
	}
}

// warnOdd logs, once per field, a field that came in another shape than expected: decoding went
// on without it.
func (s *Source) warnOdd(r *issueRec) {
	for _, f := range r.odd {
		s.warnOnce("field:"+f, "unexpected_field_type", "field", f, "issue", r.Key)
	}
}
