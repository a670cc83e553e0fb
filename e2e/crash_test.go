//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/desk"
	"github.com/custops/custops/internal/demo/sim"
)

// crashToken is the desks' API token, handed to custops through the environment.
const (
	crashToken    = "crash-test-token"
	crashTokenEnv = "CUSTOPS_CRASH_TEST_TOKEN"
)

// TestKillDuringFirstSyncs is issue 13's crash test at binary level: the real `custops serve`
// syncs the demo's Jira and Zendesk desks over their wire formats, is killed with SIGKILL while
// both first syncs are under way (each source has stored tickets, neither has finished a whole
// poll), and is started again on the same state directory. After it reports ready, its store
// equals, ticket by ticket, the store of a clean sync of the same desks into an empty directory.
//
// The desks serve a world frozen at one instant (they are never advanced), so the two syncs read
// the same tickets. The one field that differs by design is the instant a Jira SLA clock was read
// (Cycle.ObservedAt of a running JSM cycle is the poll instant): it is checked to lie within the
// run that read it and then left out of the comparison.
func TestKillDuringFirstSyncs(t *testing.T) {
	bin := buildCustops(t)
	t.Setenv(crashTokenEnv, crashToken)
	desks := startFrozenDesks(t)

	// The run that is killed, then the run that finishes the sync on the same state.
	stateDir := filepath.Join(t.TempDir(), "state")
	cfgFile := crashConfig(t, stateDir, desks)
	runStart := time.Now()
	killed := serve(t, bin, "custops-killed", cfgFile)
	waitFor(t, "both sources storing their first sync", 2*time.Minute, func() (bool, error) {
		n, err := sourceTickets(killed.base)
		return err == nil && n["jsm"] > 0 && n["zendesk"] > 0, err
	})
	if ok, _ := httpOK(killed.base + "/-/ready"); ok {
		t.Fatal("custops was ready before it could be killed: the first syncs finished too fast for this test to kill during them")
	}
	before, _ := sourceTickets(killed.base)
	if err := killed.p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-killed.p.done
	t.Logf("killed during the first syncs with %v tickets stored", before)

	restarted := serve(t, bin, "custops-restarted", cfgFile)
	waitFor(t, "restarted custops ready", 3*time.Minute, func() (bool, error) { return httpOK(restarted.base + "/-/ready") })
	stop(t, restarted.p)
	runEnd := time.Now()

	cleanStart := time.Now()
	cleanDir := filepath.Join(t.TempDir(), "state")
	clean := serve(t, bin, "custops-clean", crashConfig(t, cleanDir, desks))
	waitFor(t, "clean custops ready", 3*time.Minute, func() (bool, error) { return httpOK(clean.base + "/-/ready") })
	stop(t, clean.p)
	cleanEnd := time.Now()

	got := storedTickets(t, stateDir, runStart, runEnd)
	want := storedTickets(t, cleanDir, cleanStart, cleanEnd)
	if len(got) != len(want) {
		t.Fatalf("store after the crash holds %d tickets, a clean sync %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("ticket %s differs from a clean sync:\ngot  %+v\nwant %+v", want[i].ID(), got[i], want[i])
		}
	}
	t.Logf("%d tickets equal to a clean sync", len(want))
}

// startFrozenDesks serves the demo's Jira and Zendesk worlds at one instant on loopback.
func startFrozenDesks(t *testing.T) map[string]string {
	t.Helper()
	urls := map[string]string{}
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, kind := range []desk.Kind{desk.Jira, desk.Zendesk} {
		d, err := desk.Start(desk.Options{
			Kind:  kind,
			World: sim.WorldOptions{Desk: string(kind), Seed: 7, Scenario: sim.ScenarioBreachSoon, Start: start},
			Email: "crash@custops.invalid",
			Token: crashToken,
			// The desks' own clock stands with their world: JSM answers a running SLA's elapsed
			// time as of its clock (jirafake renders it at each answer), and two syncs at
			// different instants must read the same.
			Now: func() time.Time { return start },
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Close() })
		urls[string(kind)] = d.URL
	}
	return urls
}

// crashConfig writes the demo's configuration pointing at the desks, as a user's file.
func crashConfig(t *testing.T, stateDir string, desks map[string]string) string {
	t.Helper()
	cfg := sim.DemoConfig()
	cfg.StateDir = stateDir
	cfg.PollInterval = config.Duration(10 * time.Second) // the shortest a file may set
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		s.URL = desks[s.Type]
		s.Auth = config.Auth{Email: "crash@custops.invalid", TokenEnv: crashTokenEnv}
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "custops.yml")
	write(t, path, data)
	return path
}

type served struct {
	p    *process
	base string
}

func serve(t *testing.T, bin, name, cfgFile string) served {
	t.Helper()
	port := freePort(t)
	p := start(t, name, bin, "serve", "--config.file="+cfgFile, "--web.listen-address=127.0.0.1:"+port, "--log.level=debug")
	return served{p: p, base: "http://127.0.0.1:" + port}
}

// stop ends a server the way an operator does (SIGINT) and waits for it.
func stop(t *testing.T, p *process) {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not stop within 30 s of SIGINT", p.name)
	}
}

// sourceTickets reads custops_source_tickets per source from /metrics.
func sourceTickets(base string) (map[string]float64, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, `custops_source_tickets{source="`)
		if !ok {
			continue
		}
		name, value, ok := strings.Cut(rest, `"} `)
		if !ok {
			return nil, fmt.Errorf("unexpected line %q", line)
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, sc.Err()
}

// storedTickets opens the store in dir (custops has stopped) and returns its tickets sorted by
// ID, every source synced. Each running JSM cycle's ObservedAt, the instant of the poll that read
// it, must lie within [from, to]; it is then cleared, the one field two syncs at different
// instants cannot share.
func storedTickets(t *testing.T, dir string, from, to time.Time) []*ticket.Ticket {
	t.Helper()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, src := range []string{"jsm", "zendesk"} {
		if !st.Synced(src) {
			t.Errorf("%s: %s not marked synced after a ready run", dir, src)
		}
	}
	var out []*ticket.Ticket
	for _, tk := range st.Tickets() {
		c := *tk // stored tickets are shared and immutable: edit a copy
		if c.Source == "jsm" {
			c.Clocks = append([]ticket.Clock(nil), c.Clocks...)
			for i := range c.Clocks {
				c.Clocks[i].Cycles = append([]ticket.Cycle(nil), c.Clocks[i].Cycles...)
				for j := range c.Clocks[i].Cycles {
					y := &c.Clocks[i].Cycles[j]
					if !y.Running() {
						continue
					}
					if y.ObservedAt.Before(from) || y.ObservedAt.After(to) {
						t.Errorf("%s clock %s: ObservedAt %v outside the run [%v, %v]", c.ID(), c.Clocks[i].Name, y.ObservedAt, from, to)
					}
					y.ObservedAt = time.Time{}
				}
			}
		}
		out = append(out, &c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out
}
