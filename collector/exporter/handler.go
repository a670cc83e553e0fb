package exporter

import (
	"bytes"
	"compress/gzip"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// MetricsHandler serves /metrics. The custops families change only when the poller publishes a
// new view; Refresh renders a view once, re-encoding only the customers whose aggregates changed
// (docs/benchmarks.md), and a scrape writes those bytes plus the few live Go, process,
// build-info and reload series.
type MetricsHandler struct {
	state  State
	live   prometheus.Gatherer
	logger *slog.Logger

	mu      sync.Mutex // serializes renders
	current atomic.Pointer[rendering]
}

// NewMetricsHandler serves the custops metrics of state's view, followed by the live families:
// live's and whether the last reload succeeded.
func NewMetricsHandler(state State, live prometheus.Gatherer, logger *slog.Logger) *MetricsHandler {
	reloads := prometheus.NewRegistry()
	reloads.MustRegister(reloadCollector{state})
	return &MetricsHandler{state: state, live: prometheus.Gatherers{live, reloads}, logger: logger}
}

// prometheusAccept is what Prometheus 3 asks for by default, so Refresh can compress that format
// before the first scrape asks.
const prometheusAccept = "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=underscores;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"

// Refresh renders the current view, so the render happens after a poll rather than inside a
// scrape, and compresses it in the format Prometheus asks for. The poller calls it on every new
// view.
func (h *MetricsHandler) Refresh() {
	r, err := h.rendered()
	if err != nil {
		h.logger.Error("rendering metrics failed", "err", err)
		return
	}
	if r == nil {
		return
	}
	if k, ok := kindOf(negotiate(http.Header{"Accept": {prometheusAccept}})); ok {
		if _, err := r.gzipped(k); err != nil {
			h.logger.Error("compressing metrics failed", "err", err)
		}
	}
}

// rendered returns the rendering of the current view, rendering it when the view changed; nil
// before the first view.
func (h *MetricsHandler) rendered() (*rendering, error) {
	v := h.state.View()
	if r := h.current.Load(); r != nil && r.view == v {
		return r, nil
	}
	if v == nil {
		return nil, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	prev := h.current.Load()
	if prev != nil && prev.view == v {
		return prev, nil
	}
	r, err := render(v, prev)
	if err != nil {
		return nil, err
	}
	h.current.Store(r)
	return r, nil
}

func negotiate(h http.Header) expfmt.Format {
	return expfmt.NegotiateAccept(h, expfmt.DefaultOpenMetricsAcceptedFormats()...)
}

// encode writes families in format; closing adds OpenMetrics' final "# EOF".
func encode(families []*dto.MetricFamily, format expfmt.Format, closing bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return nil, err
		}
	}
	if closer, ok := enc.(expfmt.Closer); ok && closing {
		if err := closer.Close(); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// gzipped compresses b as one gzip member; members concatenate into a valid gzip stream.
func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ServeHTTP writes the rendered custops families and the live families in the negotiated format.
func (h *MetricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	format := negotiate(r.Header)
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	k, ok := kindOf(format)
	if !ok { // formats no scraper asks for by default: the text format
		format = expfmt.NewFormat(expfmt.TypeTextPlain)
		k = kindText
	}
	rd, err := h.rendered()
	if err != nil {
		h.fail(w, err)
		return
	}
	families, err := h.live.Gather()
	if err != nil {
		h.fail(w, err)
		return
	}
	tail, err := encode(families, format, true)
	if err == nil && gz {
		tail, err = gzipped(tail)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	var head []byte
	size := 0
	switch {
	case rd == nil:
	case gz:
		head, err = rd.gzipped(k)
		size = len(head)
	default:
		size, err = rd.size(k) // then streamed: the body is tens of megabytes at scale
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", string(format))
	if gz {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(size+len(tail)))
	if rd != nil && !gz {
		if err := rd.writeTo(w, k); err != nil {
			h.logger.Error("writing metrics failed", "err", err)
			return
		}
	}
	_, _ = w.Write(head)
	_, _ = w.Write(tail)
}

func (h *MetricsHandler) fail(w http.ResponseWriter, err error) {
	h.logger.Error("serving metrics failed", "err", err)
	http.Error(w, "An error has occurred while serving metrics:\n\n"+err.Error(), http.StatusInternalServerError)
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip with a non-zero quality.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) != "gzip" {
			continue
		}
		q, found := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !found {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}
