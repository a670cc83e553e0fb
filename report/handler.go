package report

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/custops/custops/collector/poller"
)

// Handler serves a customer's weekly report: GET /customers/{id}/report?week=2026-W48
// (default: the last complete week in the customer's zone) and &audience=internal for the
// account team's version (the default is the customer's). view returns the poller's published
// view. An unknown customer is a 404, a week that is not an ISO week or has not begun a 400,
// no view yet (before the first poll) a 503.
func Handler(view func() *poller.View) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		audience, err := ParseAudience(r.URL.Query().Get("audience"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		serve(w, view, func(v *poller.View) (renderer, error) {
			return FromView(v, r.PathValue("id"), Options{Week: r.URL.Query().Get("week"), Audience: audience})
		})
	})
}

// MeetingHandler serves the internal ops-meeting page: GET /customers/{id}/meeting?since=2026-11-23.
func MeetingHandler(view func() *poller.View) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serve(w, view, func(v *poller.View) (renderer, error) {
			return MeetingFromView(v, r.PathValue("id"), MeetingOptions{Since: r.URL.Query().Get("since")})
		})
	})
}

// renderer is a page that writes itself as HTML.
type renderer interface {
	HTML(w io.Writer) error
}

func serve(w http.ResponseWriter, view func() *poller.View, build func(*poller.View) (renderer, error)) {
	v := view()
	if v == nil {
		http.Error(w, "no snapshot yet: the first poll has not finished", http.StatusServiceUnavailable)
		return
	}
	p, err := build(v)
	switch {
	case errors.Is(err, ErrUnknownCustomer):
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	case errors.Is(err, ErrBadWeek):
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := p.HTML(&buf); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// A report holds one customer's tickets: keep it out of shared caches.
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = buf.WriteTo(w)
}
