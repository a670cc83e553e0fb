package alerts

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runbookSections reads docs/runbook.md and returns each "## " section's body by its anchor.
func runbookSections(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "docs", "runbook.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sections := map[string]string{}
	var current string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if h, ok := strings.CutPrefix(line, "## "); ok {
			current = Anchor(strings.TrimSpace(h))
			sections[current] = ""
			continue
		}
		if current != "" {
			sections[current] += line + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sections
}

// TestRunbookHasEverySection checks that every runbook_url anchor leads to a section that says
// what the alert means, what to check, whom to involve and what to tell the customer.
func TestRunbookHasEverySection(t *testing.T) {
	sections := runbookSections(t)
	if _, ok := sections["severity-convention"]; !ok {
		t.Errorf("runbook: no Severity convention section")
	}
	opts := DefaultOptions()
	groups, err := Groups(opts)
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			t.Run(r.Alert, func(t *testing.T) {
				anchor, ok := strings.CutPrefix(r.Annotations["runbook_url"], opts.RunbookURL+"#")
				if !ok {
					t.Fatalf("runbook_url %q: want %s#<anchor>", r.Annotations["runbook_url"], opts.RunbookURL)
				}
				body, ok := sections[anchor]
				if !ok {
					t.Fatalf("runbook: no section with anchor %q (heading %q)", anchor, r.Alert)
				}
				for _, part := range []string{"**What it means.**", "**Check first.**", "**Who to involve.**", "**Telling the customer.**"} {
					if !strings.Contains(body, part) {
						t.Errorf("section %s: got no %s", r.Alert, part)
					}
				}
			})
		}
	}
}

func TestAnchor(t *testing.T) {
	for _, tc := range []struct{ heading, want string }{
		{"CustopsSLABreachImminent", "custopsslabreachimminent"},
		{"Severity convention", "severity-convention"},
		{"Routing and inhibition", "routing-and-inhibition"},
		{"What's new: v1.2", "whats-new-v12"},
	} {
		t.Run(tc.heading, func(t *testing.T) {
			if got := Anchor(tc.heading); got != tc.want {
				t.Errorf("Anchor(%q): got %q, want %q", tc.heading, got, tc.want)
			}
		})
	}
}

// TestRunbookTimingAndSeverities keeps the runbook's timing table and list of pages true to the
// generated rules.
func TestRunbookTimingAndSeverities(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "runbook.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	_, critical, _ := strings.Cut(doc, "Critical alerts today:")
	critical, configured, _ := strings.Cut(critical, "Severity set per tier and priority")
	configured, _, _ = strings.Cut(configured, "Everything else")
	forOf := map[string]string{}
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) == 5 && strings.HasPrefix(strings.TrimSpace(cells[1]), "Custops") {
			forOf[strings.TrimSpace(cells[1])] = strings.TrimSpace(cells[2])
		}
	}
	groups, err := Groups(DefaultOptions())
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			t.Run(r.Alert, func(t *testing.T) {
				if got, want := forOf[r.Alert], r.For.String(); got != want {
					t.Errorf("timing table for: got %q, want %q", got, want)
				}
				listed := strings.Contains(critical, r.Alert)
				if isPage := r.Labels[labelSeverity] == severityCritical; listed != isPage {
					t.Errorf("listed among the critical alerts: got %v, want %v", listed, isPage)
				}
				_, fixed := r.Labels[labelSeverity]
				if got := strings.Contains(configured, r.Alert); got == fixed {
					t.Errorf("listed among the alerts whose severity the config sets: got %v, want %v", got, !fixed)
				}
			})
		}
	}
}
