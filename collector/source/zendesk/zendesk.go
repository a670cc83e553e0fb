// Package zendesk is the Zendesk Support source: a small typed client of our own over net/http
// (go-zendesk has no incremental exports, metric events, satisfaction ratings or 429 handling).
//
// A poll reads the cursor-based incremental ticket export (users and organizations sideloaded),
// then the incremental ticket metric events, which become native SLA clocks on the stored
// tickets. Satisfaction ratings and the organizations list are read only when a page needs them,
// so a poll with no changes costs two requests. Requests go through the shared vendor HTTP layer
// (collector/source/vendorhttp), paced per Zendesk's limits (10 a minute for incremental
// exports; client.go), with its one retry policy.
//
// Mapping decisions, from the API reference:
//   - Key is the numeric id, URL <base>/agent/tickets/<id>, tags are labels.
//   - via.channel: web -> portal, email -> email, api -> api, chat and messaging -> chat,
//     voice -> phone, everything else -> other (unknown_channel when undocumented). A "web"
//     ticket whose submitter is not its requester (and, when users are sideloaded, not an end
//     user) is ChannelAgent: the agent interface creates web tickets, end users are always their
//     own requester there. API tickets with another submitter stay "api": that is an integration.
//   - reporter_domain comes from the requester's email in the users sideload (include=users on
//     the export); there is no separate users request.
//   - Organization names come from the organizations sideload, else from one organizations list
//     request per poll when an id is unknown.
//   - SLA clocks come from ticket metric events: reply_time instance 1 -> first_response, later
//     instances -> next_reply_time, resolution_metric (requester_wait_time) -> resolution, other
//     metrics under their own name; only metrics with an apply_sla become clocks. Business-hours
//     targets are projected on the account's default schedule (schedules.go) with collector/sla's
//     calendar, in wall time when there is none; Zendesk's breach events and update_status
//     minutes correct them.
//   - The first sync starts a year back (initialHistory).
package zendesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
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
	// initialHistory is how far back the first sync starts. Tickets untouched for longer are
	// not exported; a year covers the 30d windows, and the open backlog that moved this year.
	initialHistory = 365 * 24 * time.Hour
	// eventsPageSize is the ticket metric events page size: a shorter page is the last one.
	eventsPageSize = 100
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
	eventsPageSize   int // a metric events page shorter than this is the last one
	priorities       map[string]ticket.Priority
	defaultPriority  ticket.Priority
	statuses         map[string]ticket.State
	incidentTypes    []string
	resolutionMetric string

	mu   sync.Mutex
	orgs map[int64]string // organization names learnt from sideloads and the list endpoint

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

// Poll applies what changed since the stored cursor: tickets, then (when a ticket gained a
// rating) satisfaction ratings, then metric events. Each page is one batch with its cursor, so
// an error keeps what earlier pages applied and the next poll resumes after them.
func (s *Source) Poll(ctx context.Context, st source.Store) error {
	now := s.now()
	cur, ok := decodeCursor(st.Cursor())
	if !ok {
		s.log.Warn("zendesk_cursor_unreadable_full_sync")
	}
	rated, err := s.pollTickets(ctx, st, &cur, now)
	if err != nil {
		return err
	}
	if rated {
		if err := s.pollRatings(ctx, st, &cur, now); err != nil {
			return err
		}
	}
	if s.cfg.SLA == config.SLAComputed {
		return nil // collector/sla computes the clocks; Zendesk's metric events are not needed
	}
	return s.pollEvents(ctx, st, &cur, now)
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
		if err := s.c.get(ctx, endpointShowMany, classAccount, "/api/v2/tickets/show_many.json", q, &page); err != nil {
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

// orgName returns a cached organization name.
func (s *Source) orgNames(side []apiOrganization, ids []int64) (map[int64]string, []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range side {
		s.orgs[o.ID] = o.Name
	}
	var missing []int64
	for _, id := range ids {
		if _, ok := s.orgs[id]; !ok {
			missing = append(missing, id)
		}
	}
	return maps.Clone(s.orgs), missing
}

// fetchOrganizations reads the whole organizations list into the cache (cursor pagination,
// 100 a page). It runs only when a ticket names an organization the sideload did not carry.
// Reference: https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#list-organizations
func (s *Source) fetchOrganizations(ctx context.Context) error {
	q := url.Values{"page[size]": {"100"}}
	for {
		var page organizationsPage
		if err := s.c.get(ctx, endpointOrganizations, classAccount, "/api/v2/organizations.json", q, &page); err != nil {
			return err
		}
		s.orgNames(page.Organizations, nil)
		next := page.NextPage
		if page.Links != nil && page.Meta != nil {
			if !page.Meta.HasMore {
				return nil
			}
			next = page.Links.Next
		}
		var ok bool
		if q, ok = nextQuery(next); !ok {
			return nil
		}
	}
}

// errNoProgress guards the paging loops against an API that keeps answering the same page.
var errNoProgress = errors.New("zendesk: the export did not advance")
