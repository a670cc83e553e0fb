package vendorhttp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestVendorClock reads the vendor's clock from the answers' Date header (RFC 9110 section 6.6.1,
// which both vendors send): the skew is recorded for the source health metrics, logged once when
// it passes SkewWarn and once when it is gone, and VendorNow is the last Date.
func TestVendorClock(t *testing.T) {
	var date string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if date != "" {
			w.Header().Set("Date", date)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t, srv.URL, nil)

	for _, tc := range []struct {
		name     string
		vendor   time.Time     // what the Date header says
		late     time.Duration // how long after the Date our clock reads the answer
		wantSkew time.Duration
		wantLog  string // a log message this answer adds ("" none)
	}{
		{"in step", t0, 0, 0, ""},
		// The Date is truncated to the second and read a moment later: in step still.
		{"read 700ms after its second", t0, 700 * time.Millisecond, 0, ""},
		{"five minutes ahead", t0.Add(5 * time.Minute), 0, 5 * time.Minute, "vendor_clock_skew"},
		{"still ahead: logged once", t0.Add(4 * time.Minute), 0, 4 * time.Minute, ""},
		{"back in step", t0.Add(2 * time.Second), 0, 2 * time.Second, "vendor_clock_skew_gone"},
		{"an hour behind", t0.Add(-time.Hour), 0, -time.Hour, "vendor_clock_skew"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			date = tc.vendor.UTC().Format(http.TimeFormat)
			h.clock.Set(t0.Add(tc.late))
			logsBefore := h.logs.Len()
			if _, err := h.get(); err != nil {
				t.Fatal(err)
			}
			if got, ok := h.stats.Skew(); !ok || got != tc.wantSkew {
				t.Errorf("skew: got %v (known %v), want %v", got, ok, tc.wantSkew)
			}
			now, ok := h.c.VendorNow()
			if !ok || !now.Equal(tc.vendor.Truncate(time.Second)) {
				t.Errorf("VendorNow: got %v %v, want %v", now, ok, tc.vendor)
			}
			added := h.logs.String()[logsBefore:]
			if tc.wantLog == "" && strings.Contains(added, "vendor_clock") {
				t.Errorf("logged %q, want nothing", added)
			}
			if tc.wantLog != "" && !strings.Contains(added, "msg="+tc.wantLog+" ") {
				t.Errorf("log %q lacks %s", added, tc.wantLog)
			}
		})
	}
}

// TestVendorClockWithoutDate: an answer without a Date header (a proxy that strips it) leaves
// the clock unknown rather than guessing.
func TestVendorClockWithoutDate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // net/http adds one unless told not to
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t, srv.URL, nil)
	if _, err := h.get(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.stats.Skew(); ok {
		t.Error("skew known without a Date header")
	}
	if _, ok := h.c.VendorNow(); ok {
		t.Error("VendorNow known without a Date header")
	}
}
