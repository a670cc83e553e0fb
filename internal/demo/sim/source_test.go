package sim

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

func worldOf(desk string) WorldOptions {
	return WorldOptions{Desk: desk, Seed: 1, Scenario: ScenarioDefault, History: DefaultHistory}
}

// newTestSource builds a sim source named jsm on a fake clock, with its stats and a log buffer.
func newTestSource(t *testing.T, o WorldOptions) (*Source, *fakeClock, *source.Stats, *bytes.Buffer) {
	t.Helper()
	clock := &fakeClock{now: testStart}
	stats := source.NewStats()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src, err := NewSource("jsm", o, source.Deps{Logger: logger, Stats: stats, Now: clock.Now})
	if err != nil {
		t.Fatalf("NewSource: %v", err)
	}
	return src, clock, stats, &logs
}

func requests(stats *source.Stats) map[string]float64 {
	out := map[string]float64{}
	for _, r := range stats.Requests() {
		out[r.Endpoint+"/"+r.Code] = r.Count
	}
	return out
}

func TestNewSourceRejects(t *testing.T) {
	now := func() time.Time { return testStart }
	with := func(f func(*WorldOptions)) WorldOptions {
		o := worldOf(DeskJira)
		f(&o)
		return o
	}
	cases := []struct {
		name  string
		world WorldOptions
		deps  source.Deps
		want  string
	}{
		{"no clock", worldOf(DeskJira), source.Deps{}, "no clock"},
		{"unknown desk", with(func(o *WorldOptions) { o.Desk = "freshdesk" }), source.Deps{Now: now}, `unknown desk "freshdesk"`},
		{"unknown scenario", with(func(o *WorldOptions) { o.Scenario = "chaos" }), source.Deps{Now: now}, `unknown scenario "chaos"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSource("jsm", tc.world, tc.deps)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"jsm"`) {
				t.Errorf("NewSource error = %v, want one naming the source and containing %q", err, tc.want)
			}
		})
	}
}

func TestPoll(t *testing.T) {
	src, clock, stats, logs := newTestSource(t, worldOf(DeskJira))
	st := newMemStore()
	ctx := context.Background()

	// The first poll applies every ticket, in batches of at most BatchSize (ties aside).
	if err := src.Poll(ctx, st); err != nil {
		t.Fatalf("first poll: %v", err)
	}
	all := src.World().Tickets()
	if got, want := len(st.Tickets), len(all); got != want {
		t.Fatalf("after the first poll the store holds %d tickets, the world %d", got, want)
	}
	if got, want := len(st.Batches), (len(all)+BatchSize-1)/BatchSize; got != want {
		t.Errorf("first poll applied %d batches, want %d", got, want)
	}
	latest := time.Time{}
	for _, tk := range all {
		if tk.Updated.After(latest) {
			latest = tk.Updated
		}
	}
	if got, want := string(st.Cursor()), latest.UTC().Format(time.RFC3339Nano); got != want {
		t.Errorf("cursor %q, want the last change %q", got, want)
	}
	for _, tk := range st.Tickets {
		if tk.Source != "jsm" {
			t.Fatalf("%s has source %q, want the configured name jsm", tk.Key, tk.Source)
		}
	}

	// Nothing happens in no time: a poll at the same instant applies nothing.
	before := len(st.Batches)
	if err := src.Poll(ctx, st); err != nil {
		t.Fatalf("second poll: %v", err)
	}
	if got := st.upserted(before); got != 0 {
		t.Errorf("a poll at the same instant applied %d tickets, want 0", got)
	}

	// Later polls apply what changed since the cursor, and only that.
	reference := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 1})
	for step := 1; step <= 8; step++ {
		cursor, _ := time.Parse(time.RFC3339Nano, string(st.Cursor()))
		clock.Add(15 * time.Minute)
		reference.Advance(clock.Now())
		want := map[string]bool{}
		for _, tk := range reference.ChangedSince(cursor) {
			want[tk.Key] = true
		}
		before := len(st.Batches)
		if err := src.Poll(ctx, st); err != nil {
			t.Fatalf("poll %d: %v", step, err)
		}
		got := map[string]bool{}
		for _, b := range st.Batches[before:] {
			for _, tk := range b.Upserts {
				got[tk.Key] = true
			}
		}
		if len(got) != len(want) {
			t.Errorf("poll %d applied %d tickets, want the %d changed since %s", step, len(got), len(want), cursor)
		}
		for k := range want {
			if !got[k] {
				t.Errorf("poll %d did not apply changed ticket %s", step, k)
			}
		}
	}
	// The store now agrees with the world on every ticket's last change and state.
	for _, want := range reference.Tickets() {
		got, ok := st.Get(want.Key)
		if !ok || !got.Updated.Equal(want.Updated) || got.State != want.State {
			t.Fatalf("store %s: %+v, want updated %v state %s", want.Key, got, want.Updated, want.State)
		}
	}
	if got := requests(stats)["sim/200"]; got != 10 {
		t.Errorf("sim/200 requests: %v, want 10", got)
	}
	if !strings.Contains(logs.String(), "poll done") {
		t.Errorf("no debug line per poll in logs:\n%s", logs.String())
	}
}

func TestPollUnreadableCursor(t *testing.T) {
	src, _, _, logs := newTestSource(t, worldOf(DeskZendesk))
	st := newMemStore()
	st.CursorBytes = []byte("not a time")
	if err := src.Poll(context.Background(), st); err != nil {
		t.Fatalf("poll: %v", err)
	}
	if got, want := len(st.Tickets), len(src.World().Tickets()); got != want {
		t.Errorf("store holds %d tickets, want all %d", got, want)
	}
	if !strings.Contains(logs.String(), "unreadable cursor") {
		t.Errorf("no warning about the cursor in logs:\n%s", logs.String())
	}
}

func TestPollApplyFails(t *testing.T) {
	src, _, _, _ := newTestSource(t, worldOf(DeskJira))
	st := newMemStore()
	st.Fail = errors.New("disk full")
	err := src.Poll(context.Background(), st)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("poll error = %v, want the store's error", err)
	}
}

func TestPollCancelled(t *testing.T) {
	src, _, _, _ := newTestSource(t, worldOf(DeskJira))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := src.Poll(ctx, newMemStore()); !errors.Is(err, context.Canceled) {
		t.Errorf("poll error = %v, want context.Canceled", err)
	}
}

func TestSetDown(t *testing.T) {
	src, clock, stats, _ := newTestSource(t, worldOf(DeskJira))
	st := newMemStore()
	ctx := context.Background()
	if err := src.Poll(ctx, st); err != nil {
		t.Fatalf("poll: %v", err)
	}
	held, cursor := len(st.Tickets), string(st.Cursor())

	src.SetDown(true)
	clock.Add(time.Hour)
	for name, call := range map[string]func(context.Context, source.Store) error{"poll": src.Poll, "reconcile": src.Reconcile} {
		err := call(ctx, st)
		if !errors.Is(err, ErrDown) || !strings.Contains(err.Error(), `"jsm"`) {
			t.Errorf("%s while down: error %v, want ErrDown naming the source", name, err)
		}
	}
	if len(st.Tickets) != held || string(st.Cursor()) != cursor {
		t.Errorf("while down the store changed: %d tickets (had %d), cursor %q (had %q)", len(st.Tickets), held, st.Cursor(), cursor)
	}
	if got := requests(stats)["sim/503"]; got != 2 {
		t.Errorf("sim/503 requests %v, want 2", got)
	}

	src.SetDown(false)
	if err := src.Poll(ctx, st); err != nil {
		t.Fatalf("poll after coming back up: %v", err)
	}
	if st.upserted(1) == 0 {
		t.Errorf("the poll after an hour down applied nothing")
	}
}

func TestReconcile(t *testing.T) {
	src, clock, _, _ := newTestSource(t, worldOf(DeskJira))
	st := newMemStore()
	ctx := context.Background()
	if err := src.Poll(ctx, st); err != nil {
		t.Fatalf("poll: %v", err)
	}
	// A ticket the world never had, open in the store: it left the desk's scope.
	st.Tickets["SUP-1"] = &ticket.Ticket{Source: "jsm", Key: "SUP-1", State: ticket.StateInProgress}
	open := len(st.OpenKeys())
	if err := src.Reconcile(ctx, st); err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	if _, ok := st.Get("SUP-1"); ok {
		t.Errorf("SUP-1 is still in the store")
	}
	if got := len(st.OpenKeys()); got != open-1 {
		t.Errorf("%d open tickets after reconcile, want %d", got, open-1)
	}

	// Over three weeks some open tickets move out of scope, and reconcile removes them.
	deleted := 0
	for range 21 * 6 {
		clock.Add(4 * time.Hour)
		before := len(st.Batches)
		if err := src.Poll(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := src.Reconcile(ctx, st); err != nil {
			t.Fatal(err)
		}
		for _, b := range st.Batches[before:] {
			deleted += len(b.Deletes)
		}
	}
	if deleted == 0 {
		t.Errorf("no ticket was reconciled away in three weeks")
	}
	keys := map[string]bool{}
	for _, k := range src.World().Keys() {
		keys[k] = true
	}
	for _, k := range st.OpenKeys() {
		if !keys[k] {
			t.Errorf("open ticket %s is in the store but not on the desk", k)
		}
	}
}

func TestBatches(t *testing.T) {
	at := func(mins ...int) []*ticket.Ticket {
		var out []*ticket.Ticket
		for _, m := range mins {
			out = append(out, &ticket.Ticket{Updated: testStart.Add(time.Duration(m) * time.Minute)})
		}
		return out
	}
	cases := []struct {
		name    string
		updated []*ticket.Ticket
		size    int
		want    []int
	}{
		{"empty", nil, 2, nil},
		{"even", at(1, 2, 3, 4), 2, []int{2, 2}},
		{"remainder", at(1, 2, 3), 2, []int{2, 1}},
		{"tie kept together", at(1, 2, 2, 2, 3), 2, []int{4, 1}},
		{"tie at the end", at(1, 1, 1), 2, []int{3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, b := range batches(tc.updated, tc.size) {
				got = append(got, len(b))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("batch sizes %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("batch sizes %v, want %v", got, tc.want)
				}
			}
		})
	}
}
