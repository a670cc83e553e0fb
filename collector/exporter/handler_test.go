package exporter

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/snapshot"
)

// mutableState is a State whose view the test replaces, as the poller does.
type mutableState struct{ fakeState }

func (m *mutableState) View() *poller.View { return m.view }

func liveRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "live_gauge", Help: "A live series."}, func() float64 { return 1 }))
	return reg
}

func scrapeWith(t *testing.T, h http.Handler, accept, encoding string) (http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	body := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body)) // multistream: both members
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return rec.Header(), string(body)
}

// reference is what promhttp renders for the same collectors, uncached.
func reference(t *testing.T, st State, accept string) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(New(st), reloadCollector{st})
	_, body := scrapeWith(t, promhttp.HandlerFor(prometheus.Gatherers{reg, liveRegistry()}, promhttp.HandlerOpts{EnableOpenMetrics: true}), accept, "")
	return body
}

func families(t *testing.T, body string) map[string]string {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	out := map[string]string{}
	for name, mf := range mfs {
		out[name] = mf.String()
	}
	return out
}

func TestMetricsHandlerMatchesPromhttp(t *testing.T) {
	st := testState()
	h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
	for _, gz := range []string{"", "gzip"} {
		hdr, got := scrapeWith(t, h, "text/plain;version=0.0.4", gz)
		if !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
			t.Errorf("content type %q", hdr.Get("Content-Type"))
		}
		want := reference(t, st, "text/plain;version=0.0.4")
		g, w := families(t, got), families(t, want)
		if len(g) != len(w) {
			t.Errorf("gzip=%q: %d families, want %d", gz, len(g), len(w))
		}
		for name, wf := range w {
			if g[name] != wf {
				t.Errorf("gzip=%q: family %s differs from promhttp's", gz, name)
			}
		}
	}
}

func TestMetricsHandlerOpenMetricsHasOneEOF(t *testing.T) {
	h := NewMetricsHandler(testState(), liveRegistry(), slog.New(slog.DiscardHandler))
	for _, gz := range []string{"", "gzip"} {
		hdr, body := scrapeWith(t, h, prometheusAccept, gz)
		if !strings.HasPrefix(hdr.Get("Content-Type"), "application/openmetrics-text") {
			t.Fatalf("content type %q", hdr.Get("Content-Type"))
		}
		if n := strings.Count(body, "# EOF"); n != 1 || !strings.HasSuffix(body, "# EOF\n") {
			t.Errorf("gzip=%q: %d EOF markers, want exactly one at the end", gz, n)
		}
		if !strings.Contains(body, "live_gauge 1") || !strings.Contains(body, catalog.MetricCustomerRiskScore) {
			t.Errorf("gzip=%q: body lacks the live or the cached families", gz)
		}
	}
}

func TestMetricsHandlerFollowsNewSnapshots(t *testing.T) {
	st := &mutableState{fakeState: testState()}
	h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
	h.Refresh()
	_, before := scrapeWith(t, h, "", "")
	next := *st.view.Snapshot
	next.Customers = append([]snapshot.Customer{}, next.Customers...)
	next.Customers[0].Risk = 99
	st.view = withSnapshot(st.view, &next)
	_, after := scrapeWith(t, h, "", "")
	if !strings.Contains(before, `custops_customer_risk_score{customer="northwind"} 42.5`) {
		t.Fatalf("first scrape lacks the first snapshot's risk")
	}
	if !strings.Contains(after, `custops_customer_risk_score{customer="northwind"} 99`) {
		t.Errorf("scrape after a swap serves the old snapshot")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for in, want := range map[string]bool{
		"gzip": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false, "identity": false, "": false, "br, gzip ; q=1.0": true,
	} {
		if got := acceptsGzip(in); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", in, got, want)
		}
	}
}

// BenchmarkScrape serves /metrics for 1,000 customers (about 130,000 series) from the cache, as
// Prometheus scrapes it (OpenMetrics, gzip). BenchmarkRenderMetrics measures the render that
// Refresh does once per snapshot, after a poll.
func BenchmarkScrape(b *testing.B) {
	for _, gz := range []string{"identity", "gzip"} {
		b.Run("encoding="+gz, func(b *testing.B) {
			st := testState()
			snap := *st.view.Snapshot
			snap.Customers = make([]snapshot.Customer, 1000)
			for i := range snap.Customers {
				snap.Customers[i] = testCustomer(fmt.Sprintf("customer-%04d", i))
			}
			st.view = withSnapshot(st.view, &snap)
			h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
			h.Refresh()
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.Header.Set("Accept", prometheusAccept)
			req.Header.Set("Accept-Encoding", gz)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
				b.SetBytes(int64(rec.Body.Len()))
			}
		})
	}
}

// TestReloadResultIsLive: a refused reload publishes no new view, yet the next scrape says so.
func TestReloadResultIsLive(t *testing.T) {
	st := &mutableState{fakeState: testState()}
	h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
	h.Refresh()
	if _, body := scrapeWith(t, h, "", ""); !strings.Contains(body, "custops_config_last_reload_successful 1") {
		t.Fatalf("first scrape lacks a successful reload:\n%.300s", body)
	}
	st.reload = false // same view, as after a refused reload
	if _, body := scrapeWith(t, h, "", ""); !strings.Contains(body, "custops_config_last_reload_successful 0") {
		t.Errorf("a failed reload does not show until the next view")
	}
}
