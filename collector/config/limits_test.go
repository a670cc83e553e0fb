package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const limitsBase = `sources:
  - {name: jsm, type: jira, url: "https://x.atlassian.net", auth: {token_env: JIRA_TOKEN}}
tiers:
  gold: {sla: {goals: {p1: {first_response: 15m}}}}
`

// TestFileTooLarge: a file over MaxFileBytes, or a device that never ends, is refused with the
// file's name, before it is parsed.
func TestFileTooLarge(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yml")
	data := []byte(limitsBase + "# " + strings.Repeat("x", MaxFileBytes) + "\n")
	if err := os.WriteFile(big, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{big, "/dev/zero"} {
		_, err := Load(path)
		if got, want := errString(err), path+": configuration is larger than 16 MiB"; got != want {
			t.Errorf("Load(%s): %s, want %s", path, got, want)
		}
	}
	// At the limit it is read.
	ok := filepath.Join(t.TempDir(), "ok.yml")
	pad := MaxFileBytes - len(limitsBase) - 3
	if err := os.WriteFile(ok, []byte(limitsBase+"# "+strings.Repeat("x", pad)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ok); err != nil {
		t.Errorf("a file of exactly %d bytes: %v", MaxFileBytes, err)
	}
}

// TestErrorsClipValues: a bad value of a megabyte (or a key, or YAML that fails to parse around
// one) is shown clipped, with its length, and the whole error stays short.
func TestErrorsClipValues(t *testing.T) {
	huge := strings.Repeat("ab", 1<<19) // 1 MiB
	cases := []struct {
		name, yaml, want string
	}{
		{"duration", "poll_interval: " + huge + "\n" + limitsBase,
			`c.yml:1: poll_interval: invalid duration "` + huge[:64] + `"... (1048576 bytes) (want e.g. 90s, 15m, 4h, 2d, 1w)`},
		{"url", strings.Replace(limitsBase, "https://x.atlassian.net", "x"+huge, 1),
			`c.yml:2: sources[0].url: invalid URL "x` + huge[:63] + `"... (1048577 bytes) (want https://host[/path])`},
		{"key", huge + ": 1\n" + limitsBase, ""},
		{"syntax", limitsBase + "customers: [" + huge + "\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "c.yml")
			if err == nil {
				t.Fatal("no error")
			}
			got := err.Error()
			if len(got) > maxShownPath+maxShownMessage+100 {
				t.Errorf("error of %d bytes: %.300s", len(got), got)
			}
			if tc.want != "" && got != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

func TestClipQuoted(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes: cut at 64 without splitting a rune
	cases := []struct{ in, want string }{
		{`plain "short" value`, `plain "short" value`},
		{`bad "` + long + `" here`, `bad "` + strings.Repeat("é", 32) + `"... (80 bytes) here`},
		{`unbalanced " quote`, `unbalanced " quote`},
		{strings.Repeat("z", 50), strings.Repeat("z", 20) + "... (clipped)"},
	}
	for _, tc := range cases {
		limit := maxShownMessage
		if strings.HasPrefix(tc.in, "zz") {
			limit = 20
		}
		if got := clipQuoted(tc.in, limit); got != tc.want {
			t.Errorf("clipQuoted(%.40q)\n got: %s\nwant: %s", tc.in, got, tc.want)
		}
	}
}

// TestAliasesWithinLimit: aliases used as YAML intends (an override block shared by many
// customers) still load, and a trailing "---" with nothing after it is no second document.
func TestAliasesWithinLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(limitsBase + "customers:\n")
	b.WriteString("  - {id: c0, tier: gold, sla: &s {goals: {p1: {first_response: 10m}}}, match: {organization: [o0]}}\n")
	for i := 1; i < 1000; i++ {
		fmt.Fprintf(&b, "  - {id: c%d, tier: gold, sla: *s, match: {organization: [o%d]}}\n", i, i)
	}
	b.WriteString("---\n")
	cfg, err := Parse([]byte(b.String()), "a.yml")
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := cfg.Policy("c999").Goal("p1", "first_response"); g.Minutes() != 10 {
		t.Errorf("c999's aliased goal = %s, want 10m", g)
	}
}

// TestAliasFanOutRefused: the fan-out that took 48 s (10,000 aliases of a list of 10,000) is
// refused at the alias that crosses the limit, before the tree is walked or decoded.
func TestAliasFanOutRefused(t *testing.T) {
	_, err := Parse(aliasFanOut(10000), "fan.yml")
	want := "fan.yml:409: YAML aliases expand the file by more than 1000000 nodes (this alias repeats the 10001 nodes of the anchor at line 9): write the values out or use fewer aliases"
	if got := errString(err); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// aliasFanOut is a file whose customers each alias one list of n pause states.
func aliasFanOut(n int) []byte {
	var b strings.Builder
	b.WriteString(limitsBase + "customers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - id: c%d\n    tier: gold\n    match: {organization: [o%d]}\n", i, i)
		if i == 0 {
			b.WriteString("    sla: {pause_states: &states [" + strings.Repeat("waiting_customer, ", n-1) + "waiting_customer]}\n")
		} else {
			b.WriteString("    sla: {pause_states: *states}\n")
		}
	}
	return []byte(b.String())
}

// TestPolicyIndex: Policy and CustomerByID find customers through the index, and still answer
// right for a configuration changed after it was built.
func TestPolicyIndex(t *testing.T) {
	cfg, err := Parse(customers(1000), "p.yml")
	if err != nil {
		t.Fatal(err)
	}
	if cu, ok := cfg.CustomerByID("c500"); !ok || cu.ID != "c500" {
		t.Errorf("CustomerByID(c500) = %v, %v", cu.ID, ok)
	}
	if p := cfg.Policy("c999"); p.ComplianceTarget != 0.95 {
		t.Errorf("Policy(c999).ComplianceTarget = %v, want the tier's 0.95", p.ComplianceTarget)
	}
	// Changed after Parse: a new customer at the front shifts every index.
	cfg.Customers = append([]Customer{{ID: "new", Tier: "gold"}}, cfg.Customers...)
	for _, id := range []string{"new", "c0", "c999"} {
		if cu, ok := cfg.CustomerByID(id); !ok || cu.ID != id {
			t.Errorf("after the change, CustomerByID(%s) = %q, %v", id, cu.ID, ok)
		}
	}
	if _, ok := cfg.CustomerByID("nobody"); ok {
		t.Error("CustomerByID(nobody) found someone")
	}
}

func customers(n int) []byte {
	var b strings.Builder
	b.WriteString(limitsBase + "customers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {id: c%d, name: Customer %d, tier: gold, match: {organization: [o%d]}}\n", i, i, i)
	}
	return []byte(b.String())
}

// BenchmarkPolicyEveryCustomer is what the snapshot and the SLA engine do at each start: the
// policy of every customer, by id. With a scan per look-up, 100,000 customers took 106 s.
func BenchmarkPolicyEveryCustomer(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		cfg, err := Parse(customers(n), "p.yml")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, cu := range cfg.Customers {
					_ = cfg.Policy(cu.ID)
				}
			}
		})
	}
}

// BenchmarkParseCustomers: parsing grows linearly with the customers.
func BenchmarkParseCustomers(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		data := customers(n)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(data, "p.yml"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAliasFanOut: n customers aliasing one list of n states. Within the limit (n=1000,
// a million nodes) it parses; past it (n=10000, which took 48 s) it is refused in linear time.
func BenchmarkAliasFanOut(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		data := aliasFanOut(n)
		b.Run(fmt.Sprintf("aliases=%d", n), func(b *testing.B) {
			for b.Loop() {
				_, _ = Parse(data, "fan.yml")
			}
		})
	}
}
