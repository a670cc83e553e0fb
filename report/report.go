// Package report builds the weekly customer report and the internal ops-meeting page.
//
// The report covers one ISO week in the customer's time zone (by default the last complete one)
// and the 11 before it: headline numbers with their change against the previous week, charts of
// the 12 weeks drawn as inline SVG, the support themes, and the complete lists the meeting needs.
// Every number comes from one published view (poller.View) at one instant: the weekly history of
// the customer's tickets (collector/history) and, for the internal audience, the snapshot's risk.
//
// Two audiences. The customer report (the default, and what `custops report` and the shareable
// page produce) shows one customer and nothing internal: no risk score, no account manager, no
// other customer; its Report has no field that could hold them (Internal is nil). The internal
// report adds the risk factors and notes for the account team.
package report

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"math"
	"os"
	"time"

	"github.com/custops/custops/collector/category"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/history"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/human"
)

// ErrUnknownCustomer is wrapped when the customer is not configured.
var ErrUnknownCustomer = errors.New("unknown customer")

// ErrBadWeek is wrapped when the requested week cannot be reported: not an ISO week, or not
// begun yet in the customer's zone.
var ErrBadWeek = errors.New("bad week")

// Weeks is how many weeks the report's charts show: the chosen week and the 11 before it.
const Weeks = 12

// Audience says who reads a page.
type Audience string

// The audiences.
const (
	// Customer is the customer: nothing internal, nothing about other customers.
	Customer Audience = "customer"
	// Internal is the account team: the customer report plus risk factors and notes.
	Internal Audience = "internal"
)

// ParseAudience reads an audience name; "" is Customer.
func ParseAudience(s string) (Audience, error) {
	switch Audience(s) {
	case "", Customer:
		return Customer, nil
	case Internal:
		return Internal, nil
	}
	return "", fmt.Errorf("unknown audience %q (known: customer, internal)", s)
}

// Options choose what a report shows.
type Options struct {
	// Week is an ISO week such as 2026-W48, in the customer's zone; "" is the last complete week.
	Week     string
	Audience Audience // "" is Customer
}

// Report is one customer's weekly report. The customer audience's report holds only what may be
// shown to that customer.
type Report struct {
	ID, Name string
	Title    string       // report.title
	Logo     template.URL // the logo as a data: URI; "" for none
	Audience Audience

	Zone       *time.Location
	DateLayout string
	// At is the view's instant: what every number is as of.
	At time.Time
	// Week is the reported week; Weeks are it and the 11 before it, oldest first.
	Week  history.Week
	Weeks []history.Weekly
	// Empty: the customer has no ticket at all, in these weeks or before.
	Empty bool

	Headlines []Headline
	Charts    []Chart
	Themes    Themes
	Lists     []List

	Sources []SourceState
	Banners []string // a source down or stale: shown at the top

	// Internal is the account team's part; nil for the customer audience.
	Internal *InternalPart
}

// customerContext is what every part of a report or a meeting page of one customer reads: one
// view, one instant, the customer's tickets and contract.
type customerContext struct {
	view     *poller.View
	cfg      *config.Config
	customer config.Customer
	tickets  []*ticket.Ticket
	at       time.Time
	zone     *time.Location
	layout   string
	policy   config.Policy
	cals     *sla.Calendars
	cats     *category.Rules
}

func newContext(v *poller.View, id string) (*customerContext, error) {
	if v == nil || v.Config == nil || v.Snapshot == nil {
		return nil, errors.New("report: no view yet")
	}
	cu, ok := v.Config.CustomerByID(id)
	if !ok {
		return nil, fmt.Errorf("report: %w %q", ErrUnknownCustomer, id)
	}
	cals, err := sla.NewCalendars(v.Config)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return &customerContext{
		view: v, cfg: v.Config, customer: cu, tickets: v.TicketsOf(id), at: v.At(),
		zone: v.Config.Zone(id), layout: v.Config.DateLayout(id),
		policy: v.Config.Policy(id), cals: cals, cats: category.New(v.Config),
	}, nil
}

// time writes an instant in the customer's zone, with the zone's abbreviation.
func (c *customerContext) time(t time.Time) string { return human.Time(t, c.zone, c.layout) }

// history computes the n weeks ending with last.
func (c *customerContext) history(last history.Week, n int) []history.Weekly {
	in := history.Input{
		Tickets: c.tickets, Zone: c.zone, Now: c.at,
		Official: c.cfg.OfficialChannels, SLAs: c.policy.SLANames(),
	}
	if c.cats.Enabled() {
		in.Category = c.cats.Of
	}
	return history.Compute(in, last, n)
}

// week resolves an ISO week name in the customer's zone; "" is the last complete week.
func (c *customerContext) week(name string) (history.Week, error) {
	if name == "" {
		return history.LastComplete(c.at, c.zone), nil
	}
	w, err := history.ParseWeek(name, c.zone)
	if err != nil {
		return history.Week{}, fmt.Errorf("%w: %w", ErrBadWeek, err)
	}
	if w.Start.After(c.at) {
		return history.Week{}, fmt.Errorf("%w: week %s has not begun in %s (it starts %s)", ErrBadWeek, w, c.zone, c.time(w.Start))
	}
	return w, nil
}

// FromView builds a customer's weekly report from one published view.
func FromView(v *poller.View, id string, opts Options) (*Report, error) {
	c, err := newContext(v, id)
	if err != nil {
		return nil, err
	}
	w, err := c.week(opts.Week)
	if err != nil {
		return nil, err
	}
	audience := opts.Audience
	if audience == "" {
		audience = Customer
	}
	r := &Report{
		ID: c.customer.ID, Name: c.customer.Name, Title: c.cfg.Report.Title, Audience: audience,
		Zone: c.zone, DateLayout: c.layout, At: c.at, Week: w,
		Empty: len(c.tickets) == 0,
	}
	if r.Logo, err = logoURI(c.cfg.Report.LogoFile); err != nil {
		return nil, err
	}
	r.Weeks = c.history(w, Weeks)
	this, prev := r.Weeks[len(r.Weeks)-1], r.Weeks[len(r.Weeks)-2]
	breaches := c.breaches(this.Week.Start, this.Until)
	prevBreaches := c.breaches(prev.Week.Start, prev.Until)
	r.Headlines = c.headlines(this, prev, len(breaches), len(prevBreaches))
	r.Charts = c.charts(r.Weeks)
	if c.cats.Enabled() {
		r.Themes = themesOf(r.Weeks, c.cfg.TopCategories)
	}
	r.Lists = numberAppendices(c.lists(this, breaches))
	r.Sources, r.Banners = c.freshness()
	if audience == Internal {
		r.Internal = c.internal()
	}
	return r, nil
}

// logoURI reads the configured logo into a data: URI, so the page loads nothing.
func logoURI(path string) (template.URL, error) {
	if path == "" {
		return "", nil
	}
	media, ok := config.LogoMediaType(path)
	if !ok {
		return "", fmt.Errorf("report: logo %s is not a PNG, JPEG or SVG file", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("report: reading the logo: %w", err)
	}
	return template.URL("data:" + media + ";base64," + base64.StdEncoding.EncodeToString(b)), nil
}

// ratio returns a ratio or NaN, for charts and headlines.
func ratio(v float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}
