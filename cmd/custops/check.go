package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/match"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// Exit codes of `custops check`, for scripts (CONFIGURATION.md, "Checking a config"). Each
// names the first stage that failed: a later stage runs only when the earlier ones passed.
const (
	exitOK          = 0 // valid, every token present; with --connect, every desk answered and matches
	exitInvalid     = 1 // the file cannot be read or is invalid (every error with file:line)
	exitUsage       = 2 // a flag or command is wrong (kingpin)
	exitCredentials = 3 // valid, but a token is missing or unreadable
	exitUnreachable = 4 // --connect: a desk cannot be polled as configured (not reached, token refused, no API at the URL, JQL refused)
	exitFindings    = 5 // --connect: every desk answered, but something needs attention
)

// checkOptions are the check command's flags.
type checkOptions struct {
	file    string
	connect bool          // reach each desk (--connect)
	timeout time.Duration // for all of --connect
	probers map[string]source.Prober
}

// runCheck is the --config.check of custops: it prints what the config means, or every error;
// then whether every token is there; with --connect, what each desk says. It writes nothing.
//
// --connect is a flag of check rather than a doctor command: it is the same question ("will
// serve work with this file?") asked one step further, and a script keeps one command whose exit
// code says how far the answer got.
func runCheck(o checkOptions, stdout, stderr io.Writer) int {
	cfg, err := config.Load(o.file)
	if err != nil {
		fmt.Fprintf(stderr, "%s is invalid:\n%v\n", o.file, err)
		return exitInvalid
	}
	fmt.Fprintf(stdout, "%s is valid.\n\n", o.file)
	if err := cfg.Describe(stdout); err != nil {
		fmt.Fprintf(stderr, "custops: %v\n", err)
		return exitInvalid
	}
	if err := cfg.CheckCredentials(); err != nil {
		var errs config.Errors
		n := 1
		if errors.As(err, &errs) {
			n = len(errs)
		}
		fmt.Fprintf(stderr, "\n%s: %d token(s) missing or unreadable; the sources cannot start:\n%v\n", o.file, n, err)
		return exitCredentials
	}
	if !o.connect {
		return exitOK
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	return connect(ctx, cfg, o.probers, stdout, stderr)
}

// connect probes every desk, then compares their organizations with the customers.
func connect(ctx context.Context, cfg *config.Config, probers map[string]source.Prober, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "\nConnecting to %d desk(s)\n", len(cfg.Sources))
	probes := map[string]*source.Probe{}
	code := exitOK
	findings := 0
	for _, sc := range cfg.Sources {
		fmt.Fprintf(stdout, "\nDesk %s (%s, %s)\n", sc.Name, sc.Type, sc.URL)
		probe, ok := probers[sc.Type]
		if !ok {
			fmt.Fprintf(stdout, "  nothing to ask a %s source\n", sc.Type)
			continue
		}
		p, err := probe(ctx, sc, source.Deps{Logger: slog.New(slog.DiscardHandler), Stats: source.NewStats(), Now: time.Now, Sleep: source.Sleep})
		if err != nil {
			fmt.Fprintf(stdout, "  cannot be polled: %v\n", err)
			fmt.Fprintf(stderr, "desk %s cannot be polled: %v\n", sc.Name, err)
			code = exitUnreachable
			continue
		}
		probes[sc.Name] = p
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, f := range p.Facts {
			fmt.Fprintf(tw, "  %s\t%s\n", f.Name, f.Value)
		}
		_ = tw.Flush()
		for _, f := range p.Findings {
			fmt.Fprintf(stdout, "  needs attention: %s\n", f)
		}
		findings += len(p.Findings)
	}
	findings += compareOrganizations(cfg, probes, stdout)
	switch {
	case code != exitOK:
		fmt.Fprintf(stdout, "\nA desk cannot be polled as configured (exit %d).\n", code)
	case findings > 0:
		fmt.Fprintf(stdout, "\nEvery desk answered; %d thing(s) need attention (exit %d).\n", findings, exitFindings)
		code = exitFindings
	default:
		fmt.Fprintf(stdout, "\nEvery desk answered and matches the config.\n")
	}
	return code
}

// compareOrganizations names the organizations of each desk that map to no customer under its
// customer_from rules (the snapshot's own matcher), and the customers whose organization values
// match no organization of any desk. It returns how many findings it printed.
func compareOrganizations(cfg *config.Config, probes map[string]*source.Probe, stdout io.Writer) int {
	m := match.New(cfg)
	matched := map[string]bool{}
	listed, findings := false, 0
	for _, sc := range cfg.Sources {
		p := probes[sc.Name]
		if p == nil || p.Organizations == nil {
			continue
		}
		listed = true
		var none []string
		for _, o := range p.Organizations {
			t := &ticket.Ticket{Source: sc.Name, Attributes: ticket.Attributes{Organizations: []ticket.Organization{o}}}
			if id := m.Customer(t); id != "" {
				matched[id] = true
			} else {
				none = append(none, orgName(o))
			}
		}
		slices.Sort(none)
		cut := ""
		if p.OrganizationsCut {
			cut = fmt.Sprintf(" (of its first %d)", len(p.Organizations))
		}
		if len(none) > 0 {
			fmt.Fprintf(stdout, "\nOrganizations of %s that match no customer%s: %s\n", sc.Name, cut, strings.Join(none, ", "))
			findings++
		}
	}
	if !listed {
		return findings
	}
	var lost []string
	for _, c := range cfg.Customers {
		vals := slices.Concat(c.Match.Organization, c.Match.ZendeskOrganizationID)
		if len(vals) > 0 && !matched[c.ID] {
			lost = append(lost, c.ID+" ("+strings.Join(vals, ", ")+")")
		}
	}
	if len(lost) > 0 {
		fmt.Fprintf(stdout, "\nCustomers whose match.organization or match.zendesk_organization_id match no organization on any desk: %s\n", strings.Join(lost, "; "))
		findings++
	}
	return findings
}

// orgName writes an organization as the config would name it.
func orgName(o ticket.Organization) string {
	switch {
	case o.Name == "":
		return o.ID
	case o.ID == "" || !isDigits(o.ID):
		return fmt.Sprintf("%q", o.Name)
	}
	return fmt.Sprintf("%q (id %s)", o.Name, o.ID)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
