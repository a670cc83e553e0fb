// Package zendesk is the Zendesk Support source: a small typed client of our own over net/http
// (go-zendesk has no incremental exports, metric events, satisfaction ratings or 429 handling).
//
// A poll reads the cursor-based incremental ticket export (users, organizations and metric sets
// sideloaded), then the incremental ticket metric events, which become native SLA clocks on the
// stored tickets. Satisfaction ratings, CSAT survey responses, organizations, users and custom
// statuses are read only when a page needs them, so a poll with no changes costs two requests.
// Requests go through the shared vendor HTTP layer (collector/source/vendorhttp), paced per
// Zendesk's limits (10 a minute for incremental exports; client.go), with its one retry policy.
// docs/vendors.md lists every endpoint, field and rule with its reference.
//
// Mapping decisions, from the API reference:
//   - Key is the numeric id, URL <base>/agent/tickets/<id>, tags are labels.
//   - via.channel: web -> portal, email -> email, api -> api, chat and messaging -> chat,
//     voice -> phone, everything else -> other (unknown_channel when undocumented). A "web"
//     ticket whose submitter is not its requester (and, when users are sideloaded, not an end
//     user) is ChannelAgent: the agent interface creates web tickets, end users are always their
//     own requester there. API tickets with another submitter stay "api": that is an integration.
//   - reporter_domain comes from the requester's email in the users sideload (include=users on
//     the export).
//   - Organization names come from the organizations sideload, else from show_many by id.
//   - A custom status maps by its agent label through `statuses`, else by its category.
//   - The first reply, the solve time and the reopen count come from the ticket's metric set
//     (include=metric_sets), in every SLA mode; the metric events refine them to the second.
//   - SLA clocks come from ticket metric events: reply_time instance 1 -> first_response, later
//     instances -> next_reply_time, resolution_metric (requester_wait_time) -> resolution, other
//     metrics under their own name; only metrics with an apply_sla become clocks. Business-hours
//     targets are projected on the ticket's schedule (the one a trigger set, else the account's
//     default; schedules.go) with collector/sla's calendar, in wall time when there is none;
//     Zendesk's breach events and update_status minutes correct them, both ways.
//   - The first sync starts the export a year back and reads the open tickets older than that
//     with one search export.
package zendesk

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// Defaults for keys the config leaves empty.
const (
	maxPerPage              = 1000 // the incremental ticket export's documented maximum
	defaultResolutionMetric = metricRequesterWaitTime
	// initialHistory is how far back the first sync's export starts: a year covers the 30d
	// windows; open tickets untouched for longer come from pollOldOpen.
	initialHistory = 365 * 24 * time.Hour
	// eventsPageSize is the page[size] of the ticket metric events requests. The reference says
	// cursor pagination returns at most 100 a page; Airbyte's TicketMetricEvents asks for 1000
	// (streams.py), so asking more is served at the maximum, not refused.
	eventsPageSize = 1000
	// showManyChunk is the documented maximum of ids per show_many request.
	showManyChunk = 100
)

// Source polls one Zendesk Support instance. Build it with New.
type Source struct {
	cfg              config.Source
	uiBase           string // base URL without a trailing slash, for ticket links
	c                client
	log              *slog.Logger
	now              func() time.Time
	perPage          int
	eventsPageSize   int // page[size] of the metric events requests
	priorities       map[string]ticket.Priority
	defaultPriority  ticket.Priority
	statuses         map[string]ticket.State
	incidentTypes    []string
	resolutionMetric string

	mu            sync.Mutex
	orgs          map[int64]string       // organization names learnt from sideloads and show_many
	statusNames   map[int64]customStatus // custom ticket statuses by id
	statusExpires time.Time              // when statusNames may be read again
	surveysOff    time.Time              // until when CSAT survey responses are not asked (none on the account)
	orgOwners     map[int64]string       // the owner field of the organizations read (owner_field)
	groups        map[int64]string       // group names by id (teams.go)
	groupsExpire  time.Time              // when groups may be read again

	schedMu sync.Mutex // held across a schedule read, so concurrent polls read it once
	sched   scheduleCache
}

// New builds a Zendesk source from its config. The token is checked here, once; a missing token
// or an unusable URL is a start-up error.
func New(cfg config.Source, deps source.Deps) (source.Source, error) {
	return newSource(cfg, deps)
}

func newSource(cfg config.Source, deps source.Deps) (*Source, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	c, err := newClient(cfg, deps, limits)
	if err != nil {
		return nil, err
	}
	s := &Source{
		cfg:              cfg,
		uiBase:           strings.TrimRight(cfg.URL, "/"),
		c:                c,
		log:              deps.Logger,
		now:              deps.Now,
		perPage:          maxPerPage,
		eventsPageSize:   eventsPageSize,
		priorities:       defaultPriorities(),
		defaultPriority:  ticket.P3,
		statuses:         defaultStatuses(),
		incidentTypes:    cfg.IncidentTypes,
		resolutionMetric: cfg.ResolutionMetric,
		orgs:             map[int64]string{},
		orgOwners:        map[int64]string{},
	}
	if cfg.PageSize > 0 && cfg.PageSize < maxPerPage {
		s.perPage = cfg.PageSize
	}
	for k, v := range cfg.Priorities {
		s.priorities[strings.ToLower(k)] = v
	}
	for k, v := range cfg.Statuses {
		s.statuses[strings.ToLower(k)] = v
	}
	if cfg.DefaultPriority.Valid() {
		s.defaultPriority = cfg.DefaultPriority
	}
	if len(s.incidentTypes) == 0 {
		s.incidentTypes = []string{"incident", "problem"}
	}
	if s.resolutionMetric == "" {
		s.resolutionMetric = defaultResolutionMetric
	}
	return s, nil
}

// Poll applies what changed since the stored cursor: on the first sync the open tickets older
// than the export's start, then the export's tickets, satisfaction ratings and CSAT survey
// responses when a ticket needs them, then metric events. Each page is one batch with its cursor,
// so an error keeps what earlier pages applied and the next poll resumes after them. The poll
// ends by reporting how far ahead of Zendesk's clock the records it read were.
func (s *Source) Poll(ctx context.Context, st source.Store) error {
	vc := newVendorClock(s.now())
	defer s.reportSkew(vc)
	cur, ok := decodeCursor(st.Cursor())
	if !ok {
		s.log.Warn("zendesk_cursor_unreadable_full_sync")
	}
	if !cur.OldOpenDone {
		if err := s.pollOldOpen(ctx, st, &cur, vc); err != nil {
			return err
		}
	}
	since := cur.TicketsTime // the export's previous high-water mark, where history reads start
	if since == 0 && s.cfg.TrackStates {
		cur.Backfill = vc.now().Add(-historyBackfill).Unix() // the first sync: read back 30 days, paced
	}
	res, err := s.pollTickets(ctx, st, &cur, vc)
	if err != nil {
		return err
	}
	if err := s.pollHistory(ctx, st, vc, since, cur.TicketsTime, res.changed); err != nil {
		return err
	}
	if err := s.backfillHistory(ctx, st, &cur, vc); err != nil {
		return err
	}
	if res.rated {
		if err := s.pollRatings(ctx, st, &cur, vc); err != nil {
			return err
		}
	}
	if err := s.pollSurveys(ctx, st, vc, res.unrated); err != nil {
		return err
	}
	if s.cfg.SLA == config.SLAComputed {
		return nil // collector/sla computes the clocks; the metric sets gave the first replies
	}
	return s.pollEvents(ctx, st, &cur, vc)
}

// reportSkew logs records dated ahead of Zendesk's own clock, which no cursor follows. How far
// Zendesk's clock is from custops' is the gauge custops_source_clock_skew_seconds, kept by the
// HTTP layer from the same Date headers.
func (s *Source) reportSkew(vc *vendorClock) {
	if skew := vc.skew(); skew >= skewLogged {
		s.log.Warn("zendesk_clock_skew", "newest_record", vc.newest.UTC(), "vendor_now", vc.now().UTC(),
			"ahead", skew.Round(time.Second), "cursor_held_at", time.Unix(vc.limit(), 0).UTC())
	}
}

// Reconcile checks the stored open tickets with show_many, 100 ids a request, and deletes those
// Zendesk no longer returns. The export reports deletions itself; this catches what a lost
// cursor or a permission change hid.
// Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#show-multiple-tickets
func (s *Source) Reconcile(ctx context.Context, st source.Store) error {
	keys := st.OpenKeys()
	var gone []string
	for start := 0; start < len(keys); start += showManyChunk {
		chunk := keys[start:min(start+showManyChunk, len(keys))]
		var page showManyPage
		q := url.Values{"ids": {strings.Join(chunk, ",")}}
		if err := s.c.get(ctx, nil, endpointShowMany, classAccount, "/api/v2/tickets/show_many.json", q, &page); err != nil {
			return fmt.Errorf("zendesk reconcile: %w", err)
		}
		alive := map[string]bool{}
		for _, t := range page.Tickets {
			if t.Status != statusDeleted {
				alive[fmt.Sprint(t.ID)] = true
			}
		}
		for _, k := range chunk {
			if !alive[k] {
				gone = append(gone, k)
			}
		}
	}
	if len(gone) == 0 {
		return nil
	}
	s.log.Debug("zendesk_reconcile_deleted", "tickets", len(gone))
	return st.Apply(source.Batch{Deletes: gone})
}
