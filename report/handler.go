package report

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// Source is what the report handler reads: the poller currently serving implements it.
type Source interface {
	Snapshot() (*snapshot.Snapshot, time.Duration)
	Tickets() []*ticket.Ticket
	CustomerOf(*ticket.Ticket) string
	Config() *config.Config
	Now() time.Time
}

// Handler serves a customer's weekly report as HTML. Mount it on a pattern with an {id}
// wildcard, GET /customers/{id}/report. current returns the source serving now (it changes on a
// config reload). An unknown customer is a 404; no snapshot yet (before the first poll) a 503.
func Handler(current func() Source) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src := current()
		snap, _ := src.Snapshot()
		if snap == nil {
			http.Error(w, "no snapshot yet: the first poll has not finished", http.StatusServiceUnavailable)
			return
		}
		id := r.PathValue("id")
		rep, err := Build(snap, src.Tickets(), src.CustomerOf, src.Config(), id, src.Now())
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
