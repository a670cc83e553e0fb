package exporter

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

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

// blocks splits a text or OpenMetrics exposition into its families, each as its sorted lines:
// the order of series inside a family carries no meaning.
func blocks(body string) map[string]string {
	out := map[string][]string{}
	name := ""
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if rest, ok := strings.CutPrefix(line, "# HELP "); ok {
			name, _, _ = strings.Cut(rest, " ")
		}
		out[name] = append(out[name], line)
	}
	flat := map[string]string{}
	for n, lines := range out {
		slices.Sort(lines)
		flat[n] = strings.Join(lines, "\n")
	}
	return flat
}

// protoFamilies decodes a delimited protobuf exposition, series sorted inside each family.
func protoFamilies(t *testing.T, body string) map[string]string {
	t.Helper()
	dec := expfmt.NewDecoder(strings.NewReader(body), expfmt.NewFormat(expfmt.TypeProtoDelim))
	out := map[string]string{}
	for {
		var mf dto.MetricFamily
		if err := dec.Decode(&mf); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("decoding protobuf: %v", err)
		}
		slices.SortFunc(mf.Metric, func(a, b *dto.Metric) int { return strings.Compare(a.String(), b.String()) })
		out[mf.GetName()] = mf.String()
	}
}

// TestMetricsHandlerMatchesPromhttp: in every format and encoding, the rendered exposition holds
// exactly what promhttp renders for the same collectors, uncached.
func TestMetricsHandlerMatchesPromhttp(t *testing.T) {
	st := testState()
	h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
	for _, accept := range []string{"text/plain;version=0.0.4", prometheusAccept, "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"} {
		for _, gz := range []string{"", "gzip"} {
			hdr, got := scrapeWith(t, h, accept, gz)
			want := reference(t, st, accept)
			parse := blocks
			if strings.Contains(accept, "protobuf") {
				parse = func(b string) map[string]string { return protoFamilies(t, b) }
				if !strings.Contains(hdr.Get("Content-Type"), "protobuf") {
					t.Errorf("content type %q for %s", hdr.Get("Content-Type"), accept)
				}
			}
			g, w := parse(got), parse(want)
			if len(g) != len(w) || len(g) < 30 {
				t.Errorf("%s gzip=%q: %d families, want %d", accept, gz, len(g), len(w))
			}
			for name, wf := range w {
				if g[name] != wf {
					t.Errorf("%s gzip=%q: family %s differs from promhttp's:\ngot  %.400s\nwant %.400s", accept, gz, name, g[name], wf)
				}
			}
		}
	}
}

// TestRenderReusesUnchangedCustomers: a new view re-encodes only the customers whose aggregates
// changed; the others keep their encoded pieces.
func TestRenderReusesUnchangedCustomers(t *testing.T) {
	st := &mutableState{fakeState: testState()}
	snap := *st.view.Snapshot
	snap.Customers = []snapshot.Customer{testCustomer("acme"), testCustomer("globex"), testCustomer("northwind")}
	st.view = withSnapshot(st.view, &snap)
	h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
	first, err := h.rendered()
	if err != nil {
		t.Fatal(err)
	}
	scrapeWith(t, h, prometheusAccept, "gzip") // builds the compressed members the next view reuses
	next := snap
	next.Customers = slices.Clone(snap.Customers)
	next.Customers[1].Risk = 77
	st.view = withSnapshot(st.view, &next)
	second, err := h.rendered()
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"acme", "globex", "northwind"} {
		reused := first.customers[i].pieces == second.customers[i].pieces
		if want := id != "globex"; reused != want {
			t.Errorf("%s: pieces reused = %v, want %v", id, reused, want)
		}
	}
	if _, body := scrapeWith(t, h, "", ""); !strings.Contains(body, `custops_customer_risk_score{customer="globex"} 77`) {
		t.Error("the changed customer's new risk is not served")
	}
	if !second.same[catalog.MetricOpenTickets] || second.same[catalog.MetricCustomerRiskScore] {
		t.Errorf("unchanged families: %v; want open tickets unchanged, risk score changed", second.same)
	}
	// The compressed body, partly taken over from the first view, says what the plain one says.
	_, plain := scrapeWith(t, h, prometheusAccept, "")
	_, unzipped := scrapeWith(t, h, prometheusAccept, "gzip")
	if plain != unzipped {
		t.Errorf("gzip body after a partial re-render differs from the plain body")
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

// discardWriter is a ResponseWriter that keeps nothing, so a benchmark measures the handler,
// not a recorder's growing buffer.
type discardWriter struct {
	header http.Header
	n      int
	code   int
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }

// manyCustomers is testState with n customers.
func manyCustomers(n int) fakeState {
	st := testState()
	snap := *st.view.Snapshot
	snap.Customers = make([]snapshot.Customer, n)
	for i := range snap.Customers {
		snap.Customers[i] = testCustomer(fmt.Sprintf("customer-%04d", i))
	}
	st.view = withSnapshot(st.view, &snap)
	return st
}

// BenchmarkScrape serves /metrics for 1,000 and 5,000 customers (about 133,000 and 665,000
// series) from the rendering, in the formats Prometheus asks for.
func BenchmarkScrape(b *testing.B) {
	formats := map[string]string{"openmetrics": prometheusAccept, "protobuf": "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"}
	for _, customers := range []int{1000, 5000} {
		st := manyCustomers(customers)
		h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
		h.Refresh()
		for _, fname := range []string{"openmetrics", "protobuf"} {
			for _, gz := range []string{"identity", "gzip"} {
				b.Run(fmt.Sprintf("customers=%d/format=%s/encoding=%s", customers, fname, gz), func(b *testing.B) {
					req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
					req.Header.Set("Accept", formats[fname])
					req.Header.Set("Accept-Encoding", gz)
					b.ReportAllocs()
					for b.Loop() {
						w := &discardWriter{header: http.Header{}}
						h.ServeHTTP(w, req)
						if w.code != 0 && w.code != http.StatusOK {
							b.Fatal(w.code)
						}
						b.SetBytes(int64(w.n))
					}
				})
			}
		}
	}
}

// BenchmarkRefresh renders a new view in which some customers' aggregates changed, as after a
// poll, and compresses it for Prometheus: the cost a poll adds to the exporter.
func BenchmarkRefresh(b *testing.B) {
	for _, customers := range []int{1000, 5000} {
		for _, changed := range []int{1, 100} { // percent
			b.Run(fmt.Sprintf("customers=%d/changed=%d%%", customers, changed), func(b *testing.B) {
				st := &mutableState{fakeState: manyCustomers(customers)}
				h := NewMetricsHandler(st, liveRegistry(), slog.New(slog.DiscardHandler))
				h.Refresh()
				step := 100 / changed
				b.ReportAllocs()
				round := 0
				for b.Loop() {
					round++
					snap := *st.view.Snapshot
					snap.Customers = slices.Clone(snap.Customers)
					for i := 0; i < len(snap.Customers); i += step {
						snap.Customers[i].Risk = float64(round)
					}
					st.view = withSnapshot(st.view, &snap)
					h.Refresh()
				}
			})
		}
	}
}
