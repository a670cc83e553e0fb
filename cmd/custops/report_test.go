package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNextWeekly(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04 Mon", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for now, want := range map[string]string{
		"2026-11-30 05:59 Mon": "2026-11-30 06:00 Mon", // later the same Monday
		"2026-11-30 06:00 Mon": "2026-12-07 06:00 Mon", // at the instant: next week
		"2026-12-02 12:00 Wed": "2026-12-07 06:00 Mon",
		"2026-12-06 23:00 Sun": "2026-12-07 06:00 Mon",
	} {
		if got := nextWeekly(at(now), time.Monday, 6, 0).Format("2006-01-02 15:04 Mon"); got != want {
			t.Errorf("after %s: got %s, want %s", now, got, want)
		}
	}
	if d, h, m, err := parseWeekly("Fri 18:30"); err != nil || d != time.Friday || h != 18 || m != 30 {
		t.Errorf("Fri 18:30: got %v %d:%d, %v", d, h, m, err)
	}
	if _, _, _, err := parseWeekly("Monday 6am"); err == nil || !strings.Contains(err.Error(), `like "Mon 06:00"`) {
		t.Errorf("a bad --weekly-at: %v", err)
	}
}

// TestReportWeeklyFromExporter runs `custops report --from=<exporter> --all --weekly-at="Mon
// 06:00"` on a fake clock: it sleeps until Monday 06:00, fetches every customer's report from
// the exporter, writes them with an index, and sleeps until the next Monday.
func TestReportWeeklyFromExporter(t *testing.T) {
	exporter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v1/customers":
			fmt.Fprint(w, `{"customers": [{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}]}`)
		case strings.HasPrefix(r.URL.Path, "/customers/") && r.URL.Query().Get("audience") == "customer":
			fmt.Fprintf(w, `<header id="report" data-customer="x" data-week="2026-W48">%s</header>`, r.URL.Path)
		default:
			http.NotFound(w, r)
		}
	}))
	defer exporter.Close()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) // a Wednesday
	var slept []time.Duration
	cmd := reportCommand{
		now: func() time.Time { return now },
		sleep: func(_ context.Context, d time.Duration) error {
			if len(slept) == 2 {
				return errors.New("stop")
			}
			slept = append(slept, d)
			now = now.Add(d)
			return nil
		},
	}
	dir := t.TempDir()
	var stdout, stderr strings.Builder
	a := &reportArgs{from: exporter.URL, all: true, out: dir, audience: "customer", format: "html", weeklyAt: "Mon 06:00"}
	if code := cmd.run(context.Background(), a, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if len(slept) != 2 || slept[0] != 4*24*time.Hour+18*time.Hour || slept[1] != 7*24*time.Hour {
		t.Errorf("slept %v, want until Monday 06:00 and then a week", slept)
	}
	for _, f := range []string{"acme-2026-W48.html", "globex-2026-W48.html", "index.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if !strings.Contains(stdout.String(), "wrote 2 reports") {
		t.Errorf("stdout: %s", stdout.String())
	}
}

func TestReportFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		a    reportArgs
		want string
	}{
		{reportArgs{}, "name one customer with --customer, or every customer with --all"},
		{reportArgs{customer: "a", all: true}, "name one customer"},
		{reportArgs{all: true, out: "-"}, "--out must be a directory"},
		{reportArgs{customer: "a", format: "pdf", chromium: "/nonexistent/chromium"}, `Chromium "/nonexistent/chromium" is not an executable file`},
		{reportArgs{customer: "a", weeklyAt: "Mon 06:00", week: "2026-W48"}, "leave out --week"},
	} {
		var stderr strings.Builder
		if code := (reportCommand{now: time.Now, sleep: sleepCtx}).run(context.Background(), &tc.a, &strings.Builder{}, &stderr); code != 1 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%+v: exit %d, %q; want 1 and %q", tc.a, code, stderr.String(), tc.want)
		}
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CUSTOPS_CHROMIUM", "")
	if _, err := findChromium(""); err == nil || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("without any Chromium: %v", err)
	}
}
