package report

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/custops/custops/collector/poller"
)

// Handler serves a customer's weekly report as HTML. Mount it on a pattern with an {id}
// wildcard, GET /customers/{id}/report. view returns the poller's published view. An unknown
// customer is a 404; no view yet (before the first poll) a 503.
func Handler(view func() *poller.View) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := view()
		if v == nil {
			http.Error(w, "no snapshot yet: the first poll has not finished", http.StatusServiceUnavailable)
			return
		}
		rep, err := FromView(v, r.PathValue("id"))
		switch {
		case errors.Is(err, ErrUnknownCustomer):
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var buf bytes.Buffer
		if err := rep.HTML(&buf); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// A report holds one customer's tickets: keep it out of shared caches.
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = buf.WriteTo(w)
	})
}
