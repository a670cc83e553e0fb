// Package desk serves the simulator's desks over the real Jira and Zendesk wire formats on
// loopback, so `custops demo` runs the real source clients — paging, cursors, SLA parsing and
// all — against tickets that move while you watch.
package desk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
	"github.com/custops/custops/internal/demo/sim"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// Kind is the wire format a desk speaks.
type Kind string

// The wire formats.
const (
	Jira    Kind = "jira"
	Zendesk Kind = "zendesk"
)

// publisher pushes a world's changes into a fake vendor server.
type publisher interface {
	put(ts []*ticket.Ticket) error
	remove(key string)
	http.Handler
}

// Desk is one simulated world served on a loopback port.
type Desk struct {
	Kind  Kind
	URL   string // base URL the source is configured with
	Email string

	world  *sim.World
	now    func() time.Time // the desk's own clock: the ticket clock
	pub    publisher
	server *http.Server
	down   atomic.Bool
	logger *slog.Logger

	mu     sync.Mutex
	synced time.Time
	keys   map[string]bool
}

// Options build a Desk.
type Options struct {
	Kind  Kind
	World sim.WorldOptions
	Email string
	Token string // requests must carry it, as the real vendors require
	// Now is the desk's clock, the demo's ticket clock: it stamps the answers' Date header, as a
	// vendor's own clock does (RFC 9110 section 6.6.1), so the sources measure no skew against a
	// demo that runs faster than the wall clock; the Zendesk fake holds back the last minute
	// of changes on it. Default time.Now.
	Now func() time.Time
	// IndexDelay and BulkIndexDelay make a Jira desk's search eventually consistent, as Jira
	// Cloud's is (jirafake.Options). Zero: searchable at once.
	IndexDelay, BulkIndexDelay time.Duration
	Logger                     *slog.Logger
}

// Start builds the world, fills the fake with its history and serves it on 127.0.0.1.
func Start(o Options) (*Desk, error) {
	w, err := sim.NewWorld(o.World)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	d := &Desk{Kind: o.Kind, URL: "http://" + l.Addr().String(), Email: o.Email,
		world: w, now: o.Now, logger: o.Logger, keys: map[string]bool{}}
	switch o.Kind {
	case Jira:
		d.pub = &jiraPublisher{jirafake.New(jirafake.Options{Flavor: jirafake.Cloud, Email: o.Email, Token: o.Token, Now: o.Now,
			IndexDelay: o.IndexDelay, BulkIndexDelay: o.BulkIndexDelay})}
	case Zendesk:
		zp := &zendeskPublisher{Server: zendeskfake.New(zendeskfake.Options{Email: o.Email, Token: o.Token, BaseURL: d.URL, EventsPageSize: demoEventsPageSize, Now: o.Now}),
			seen: map[eventKey]bool{}, updates: map[updateKey]bool{}}
		for _, c := range w.Organizations() {
			if c.ZendeskOrganizationID != "" {
				var id int64
				_, _ = fmt.Sscan(c.ZendeskOrganizationID, &id)
				// The account manager, an organization field (owner_field in sim.DemoConfig).
				zp.PutOrganizations(zendeskfake.Organization{ID: id, Name: c.Organization,
					OrganizationFields: map[string]any{sim.OwnerField: sim.OwnerEmail(c.CSM)}})
			}
		}
		zp.PutGroups(zendeskfake.Group{ID: zendeskfake.GroupIDOf(sim.SupportGroup), Name: sim.SupportGroup},
			zendeskfake.Group{ID: zendeskfake.GroupIDOf(sim.EngineeringGroup), Name: sim.EngineeringGroup})
		d.pub = zp
	default:
		_ = l.Close()
		return nil, fmt.Errorf("unknown desk kind %q", o.Kind)
	}
	if err := d.Sync(o.World.Start); err != nil {
		_ = l.Close()
		return nil, err
	}
	d.server = &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = d.server.Serve(l) }()
	return d, nil
}

// ServeHTTP answers 503 while the desk is down, like a vendor outage, and serves the fake otherwise.
func (d *Desk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", d.now().UTC().Format(http.TimeFormat))
	if d.down.Load() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"ServiceUnavailable","description":"simulated outage"}`))
		return
	}
	d.pub.ServeHTTP(w, r)
}

// Jira returns a Jira desk's fake, for tests that edit the desk behind the world's back (a bulk
// edit); nil for a Zendesk desk.
func (d *Desk) Jira() *jirafake.Server {
	if p, ok := d.pub.(*jiraPublisher); ok {
		return p.Server
	}
	return nil
}

// SetDown starts or ends a simulated outage.
func (d *Desk) SetDown(down bool) { d.down.Store(down) }

// Sync advances the world to now and publishes what changed since the last sync, deleting the
// tickets the world dropped.
func (d *Desk) Sync(now time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.world.Advance(now)
	changed := d.world.ChangedSince(d.synced)
	if err := d.pub.put(changed); err != nil {
		return err
	}
	for _, t := range changed {
		d.keys[t.Key] = true
	}
	current := map[string]bool{}
	for _, k := range d.world.Keys() {
		current[k] = true
	}
	for k := range d.keys {
		if !current[k] {
			d.pub.remove(k)
			delete(d.keys, k)
		}
	}
	d.synced = d.world.Now()
	return nil
}

// Run syncs every interval on the ticket clock until ctx ends.
func (d *Desk) Run(ctx context.Context, every time.Duration, now func() time.Time) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.Sync(now()); err != nil && d.logger != nil {
				d.logger.Error("demo desk sync failed", "desk", string(d.Kind), "err", err)
			}
		}
	}
}

// Close stops serving.
func (d *Desk) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.server.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type jiraPublisher struct{ *jirafake.Server }

func (p *jiraPublisher) put(ts []*ticket.Ticket) error {
	issues := make([]jirafake.Issue, 0, len(ts))
	for _, t := range ts {
		issues = append(issues, jirafake.IssueFromTicket(t))
	}
	return p.Put(issues...)
}

func (p *jiraPublisher) remove(key string) { p.Delete(key) }

// eventKey identifies a metric event, so a ticket's events are published once although every
// change of the ticket renders all of them again.
type eventKey struct {
	ticket, instance int64
	metric, typ      string
	at               int64
}

type zendeskPublisher struct {
	*zendeskfake.Server
	seen    map[eventKey]bool
	updates map[updateKey]bool // ticket updates published to the ticket event export
}

// updateKey identifies a ticket update of the event export.
type updateKey struct {
	ticket, at int64
	changes    int
}

func (p *zendeskPublisher) put(ts []*ticket.Ticket) error {
	for _, t := range ts {
		zt, events := zendeskfake.FromTicket(t)
		p.Put(zt)
		var fresh []zendeskfake.MetricEvent
		for _, e := range events {
			k := eventKey{e.TicketID, e.InstanceID, e.Metric, e.Type, e.Time.UnixNano()}
			if !p.seen[k] {
				p.seen[k] = true
				fresh = append(fresh, e)
			}
		}
		if len(fresh) > 0 {
			p.PutEvents(fresh...)
		}
		var updates []zendeskfake.TicketEvent
		for _, u := range zendeskfake.TicketEventsOf(t) {
			k := updateKey{u.TicketID, u.Timestamp.UnixNano(), len(u.Changes)}
			if !p.updates[k] {
				p.updates[k] = true
				updates = append(updates, u)
			}
		}
		if len(updates) > 0 {
			p.PutTicketEvents(updates...)
		}
	}
	return nil
}

func (p *zendeskPublisher) remove(key string) {
	var id int64
	if _, err := fmt.Sscan(key, &id); err == nil {
		p.Delete(id)
	}
}

// demoEventsPageSize is larger than Zendesk's documented 100 metric events a page: the source
// asks for 1000, as Airbyte's connector does, so the demo's 30 days of history sync in a few
// pages instead of the minutes the source's pacing would take at 100.
const demoEventsPageSize = 1000
