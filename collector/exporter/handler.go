package exporter

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/custops/custops/collector/poller"
)

// MetricsHandler serves /metrics. The custops families change only when the poller publishes a
// new view, so they are gathered and encoded once per view, format and compression, and a scrape
// costs a copy of those bytes plus the few live Go, process and build-info series
// (docs/benchmarks.md).
type MetricsHandler struct {
	state   State
	custops prometheus.Gatherer
	live    prometheus.Gatherer
	logger  *slog.Logger

	mu      sync.Mutex
	view    *poller.View
	ready   bool
	encoded map[string][]byte // by format and content encoding
}

// NewMetricsHandler serves the custops metrics of state's view, followed by the live families:
// live's and whether the last reload succeeded.
func NewMetricsHandler(state State, live prometheus.Gatherer, logger *slog.Logger) *MetricsHandler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(New(state))
	reloads := prometheus.NewRegistry()
	reloads.MustRegister(reloadCollector{state})
	return &MetricsHandler{state: state, custops: reg, live: prometheus.Gatherers{live, reloads}, logger: logger, encoded: map[string][]byte{}}
}

// prometheusAccept is what Prometheus 3 asks for by default, so Refresh can render that format
// before the first scrape asks.
const prometheusAccept = "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=underscores;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"

// Refresh renders the current view in the formats a scrape most likely asks for, so the render
// happens after a poll rather than inside a scrape. The poller calls it on every new view.
func (h *MetricsHandler) Refresh() {
	for _, accept := range []string{prometheusAccept, ""} {
		hdr := http.Header{"Accept": {accept}}
		if _, err := h.cached(negotiate(hdr), true); err != nil {
			h.logger.Error("rendering metrics failed", "err", err)
		}
	}
}

func negotiate(h http.Header) expfmt.Format {
	return expfmt.NegotiateAccept(h, expfmt.DefaultOpenMetricsAcceptedFormats()...)
}

// cached returns the encoded custops families of the current view (without a closing
// OpenMetrics EOF), gathering and encoding them when the view changed.
func (h *MetricsHandler) cached(format expfmt.Format, gz bool) ([]byte, error) {
	v := h.state.View()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.ready || v != h.view {
		h.view, h.ready, h.encoded = v, true, map[string][]byte{}
	}
	key := fmt.Sprintf("%s|%t", format, gz)
	if b, ok := h.encoded[key]; ok {
		return b, nil
	}
	plain, ok := h.encoded[fmt.Sprintf("%s|%t", format, false)]
	if !ok {
		families, err := h.custops.Gather()
		if err != nil {
			return nil, err
		}
		if plain, err = encode(families, format, false); err != nil {
			return nil, err
		}
		h.encoded[fmt.Sprintf("%s|%t", format, false)] = plain
	}
	if !gz {
		return plain, nil
	}
	b, err := gzipped(plain)
	if err != nil {
		return nil, err
	}
	h.encoded[key] = b
	return b, nil
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

// ServeHTTP writes the cached custops families and the live families in the negotiated format.
func (h *MetricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	format := negotiate(r.Header)
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	head, err := h.cached(format, gz)
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
	w.Header().Set("Content-Type", string(format))
	if gz {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(head)+len(tail)))
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
