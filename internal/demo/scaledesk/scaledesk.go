// Package scaledesk generates a large Jira Service Management desk, N tickets over C customers,
// and serves it over the Jira Cloud wire format with jirafake, so that the real custops binary
// can be measured on the desk size of issue 17 (internal/scale, scripts/scale.sh).
//
// The desk is a pure function of its Options: the same seed and instant give the same tickets.
// Its shape is a busy payments desk, not the simulator's eight customers: tickets arrive
// uniformly over History, each customer's share of them drawn from a long-tailed distribution;
// the older a ticket, the likelier it is resolved (about one in seven is open); native JSM SLA
// clocks (first response and resolution) on the tier's goals, about one in ten breached; CSAT on
// a third of resolutions; a few escalations, incidents and reopens. Every ticket carries its
// customer's JSM organization, which the configuration's organization rule maps back.
package scaledesk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// Options say which desk to generate.
type Options struct {
	Tickets   int
	Customers int
	Seed      uint64
	// Now is the instant the desk is generated at: tickets are created before it, running clocks
	// are read at it.
	Now time.Time
	// History is how far back tickets were created; default 12 weeks, the weekly report's span,
	// so the store keeps every ticket (the retention drops only older resolved ones).
	History time.Duration
	// DataCenter serves the desk as Jira Data Center (pages of 1,000, a bearer token) instead of
	// Jira Cloud (pages of 100, email and API token).
	DataCenter bool
}

// Email is the account the Cloud desk expects with its token.
const Email = "scale@custops.invalid"

// DefaultHistory is Options.History when zero.
const DefaultHistory = 12 * 7 * 24 * time.Hour

// Project is the Jira project every ticket is in.
const Project = "PAY"

// Customer is one generated customer.
type Customer struct {
	ID           string // the customer label: c0001...
	Name         string
	Tier         string // gold, silver or bronze
	Organization string // the JSM organization its tickets carry
}

// Customers returns the desk's customers, in id order.
func Customers(o Options) []Customer {
	out := make([]Customer, o.Customers)
	tiers := []string{"gold", "silver", "silver", "bronze", "bronze"}
	for i := range out {
		out[i] = Customer{
			ID:           fmt.Sprintf("c%05d", i+1),
			Name:         fmt.Sprintf("Merchant %05d", i+1),
			Tier:         tiers[i%len(tiers)],
			Organization: fmt.Sprintf("Merchant %05d Ltd", i+1),
		}
	}
	return out
}

// GoldGoals are the gold tier's goals per priority: first response and resolution. Silver
// doubles them, bronze triples them; Config states the same goals, so the native clocks agree
// with the contract.
var GoldGoals = map[ticket.Priority][2]time.Duration{
	ticket.P1: {15 * time.Minute, 4 * time.Hour},
	ticket.P2: {time.Hour, 8 * time.Hour},
	ticket.P3: {4 * time.Hour, 24 * time.Hour},
	ticket.P4: {8 * time.Hour, 72 * time.Hour},
}

// TierFactor is how much longer than gold a tier's goals are.
func TierFactor(tier string) time.Duration {
	switch tier {
	case "gold":
		return 1
	case "silver":
		return 2
	}
	return 3
}

// Config returns the custops configuration of the desk as YAML: one jira source at url whose
// token is in tokenFile, the store in stateDir, every customer matched by its organization, and
// the tiers with the goals the desk's clocks run on.
func Config(o Options, url, tokenFile, stateDir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "state_dir: %q\n", stateDir)
	if o.DataCenter {
		fmt.Fprintf(&b, "sources:\n  - name: jsm\n    type: jira\n    flavor: datacenter\n    page_size: 1000\n    url: %q\n", url)
		fmt.Fprintf(&b, "    auth: {token_file: %q}\n", tokenFile)
	} else {
		fmt.Fprintf(&b, "sources:\n  - name: jsm\n    type: jira\n    flavor: cloud\n    url: %q\n", url)
		fmt.Fprintf(&b, "    auth: {email: %s, token_file: %q}\n", Email, tokenFile)
	}
	fmt.Fprintf(&b, "    jql: project = %s\n    customer_from: [organization]\n", Project)
	b.WriteString("tiers:\n")
	for _, tier := range []string{"gold", "silver", "bronze"} {
		fmt.Fprintf(&b, "  %s:\n    at_risk: 25%%\n    sla:\n      goals:\n", tier)
		for _, p := range ticket.Priorities {
			g := GoldGoals[p]
			f := TierFactor(tier)
			fmt.Fprintf(&b, "        %s: {first_response: %s, resolution: %s}\n", p, minutes(g[0]*f), minutes(g[1]*f))
		}
	}
	b.WriteString("customers:\n")
	for _, c := range Customers(o) {
		fmt.Fprintf(&b, "  - {id: %s, name: %q, tier: %s, match: {organization: [%q]}}\n", c.ID, c.Name, c.Tier, c.Organization)
	}
	return b.String()
}

func minutes(d time.Duration) string { return fmt.Sprintf("%dm", int(d.Minutes())) }

// Tickets calls fn with each ticket of the desk, in key order (PAY-1, PAY-2, ...). fn may keep
// the ticket.
func Tickets(o Options, fn func(*ticket.Ticket)) {
	if o.History <= 0 {
		o.History = DefaultHistory
	}
	customers := Customers(o)
	r := rand.New(rand.NewPCG(o.Seed, 0x5ca1e))
	// A customer's share is Pareto-like: a few merchants raise many tickets, most few.
	weights := make([]float64, len(customers))
	total := 0.0
	for i := range weights {
		weights[i] = 1 / math.Pow(float64(i+1), 0.6)
		total += weights[i]
	}
	cumulative := make([]float64, len(weights))
	acc := 0.0
	for i, w := range weights {
		acc += w / total
		cumulative[i] = acc
	}
	for i := range o.Tickets {
		u := r.Float64()
		ci := min(sortSearch(cumulative, u), len(customers)-1)
		fn(generate(r, o, i+1, customers[ci]))
	}
}

func sortSearch(a []float64, x float64) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := (lo + hi) / 2
		if a[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// generate draws ticket number n of customer c.
func generate(r *rand.Rand, o Options, n int, c Customer) *ticket.Ticket {
	now := o.Now
	created := now.Add(-time.Duration(r.Int64N(int64(o.History)))).Truncate(time.Second)
	age := now.Sub(created)
	prio := pick(r, []ticket.Priority{ticket.P1, ticket.P2, ticket.P3, ticket.P4}, []float64{0.03, 0.15, 0.55, 0.27})
	t := &ticket.Ticket{
		Key:        fmt.Sprintf("%s-%d", Project, n),
		Summary:    fmt.Sprintf("Settlement batch %d rejected", n),
		Attributes: ticket.Attributes{Project: Project, Organizations: []ticket.Organization{{Name: c.Organization}}},
		Priority:   prio,
		Channel:    pick(r, ticket.Channels[:6], []float64{0.45, 0.25, 0.12, 0.06, 0.04, 0.08}),
		Created:    created,
		Escalated:  r.IntN(25) == 0,
		Incident:   prio == ticket.P1 && r.IntN(2) == 0 || r.IntN(30) == 0,
	}
	goals := GoldGoals[prio]
	f := TierFactor(c.Tier)
	frGoal, resGoal := goals[0]*f, goals[1]*f
	// Agents answer around 40% of the goal and resolve around half of it, lognormally, so about
	// one clock in ten breaches.
	reply := time.Duration(float64(frGoal) * 0.4 * math.Exp(r.NormFloat64()*0.8))
	resolve := time.Duration(float64(resGoal) * 0.5 * math.Exp(r.NormFloat64()*0.9))
	// The older a ticket, the likelier it was resolved: open with probability exp(-age/12d).
	open := r.Float64() < math.Exp(-age.Hours()/(12*24))
	t.Updated = created
	if created.Add(reply).Before(now) {
		t.FirstReply = created.Add(reply).Truncate(time.Second)
		t.Updated = t.FirstReply
	}
	first := cycle(created, frGoal, t.FirstReply, now)
	var res ticket.Cycle
	if open || !created.Add(resolve).Before(now) {
		t.State = pick(r, ticket.OpenStates, []float64{0.2, 0.5, 0.2, 0.1})
		if t.FirstReply.IsZero() {
			t.State = ticket.StateNew
		}
		res = cycle(created, resGoal, time.Time{}, now)
		res.Paused = t.State == ticket.StateWaitingCustomer
		if res.Paused {
			res.BreachAt = time.Time{}
		}
	} else {
		t.Resolved = created.Add(max(resolve, reply)).Truncate(time.Second)
		t.State = ticket.StateResolved
		if now.Sub(t.Resolved) > 3*24*time.Hour {
			t.State = ticket.StateClosed
		}
		t.Updated = t.Resolved
		res = cycle(created, resGoal, t.Resolved, now)
		if r.IntN(3) == 0 {
			t.CSAT = ticket.CSATGood
			if r.IntN(7) == 0 || res.Breached && r.IntN(2) == 0 {
				t.CSAT = ticket.CSATBad
			}
			t.CSATAt = t.Resolved.Add(time.Duration(r.Int64N(int64(24 * time.Hour)))).Truncate(time.Second)
			if t.CSATAt.After(now) {
				t.CSATAt = now.Truncate(time.Second)
			}
			t.Updated = t.CSATAt
		}
	}
	t.Clocks = []ticket.Clock{
		{Name: ticket.SLAFirstResponse, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{first}},
		{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{res}},
	}
	return t
}

// cycle is a clock started at start with the goal, stopped at stop (zero: running, read at now),
// on a round-the-clock calendar as JSM reports it.
func cycle(start time.Time, goal time.Duration, stop, now time.Time) ticket.Cycle {
	c := ticket.Cycle{Start: start, Goal: goal, BreachAt: start.Add(goal)}
	end := now
	if !stop.IsZero() {
		c.Stop, end = stop, stop
	}
	c.Elapsed = end.Sub(start)
	c.Breached = c.Elapsed > goal
	c.ObservedAt = end
	return c
}

func pick[T any](r *rand.Rand, values []T, weights []float64) T {
	u := r.Float64()
	for i, w := range weights {
		if u < w {
			return values[i]
		}
		u -= w
	}
	return values[len(values)-1]
}

// Serve fills a jirafake site (Cloud, or Data Center with pages of 1,000) with the desk and
// returns it, ready to be served. Requests must carry the token (and on Cloud Email), as the
// real site requires.
func Serve(o Options, token string) (*jirafake.Server, error) {
	opts := jirafake.Options{Flavor: jirafake.Cloud, Email: Email, Token: token}
	if o.DataCenter {
		opts = jirafake.Options{Flavor: jirafake.DataCenter, PageSize: 1000, Token: token}
	}
	srv := jirafake.New(opts)
	batch := make([]jirafake.Issue, 0, 1000)
	var err error
	Tickets(o, func(t *ticket.Ticket) {
		if err != nil {
			return
		}
		batch = append(batch, jirafake.IssueFromTicket(t))
		if len(batch) == cap(batch) {
			err = srv.Put(batch...)
			batch = batch[:0]
		}
	})
	if err == nil && len(batch) > 0 {
		err = srv.Put(batch...)
	}
	return srv, err
}
