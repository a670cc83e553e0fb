package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/report/reporttest"
)

// benchView is a view of 200,000 tickets across 1,000 customers (reporttest.Desk), built once.
func benchView(b *testing.B) *poller.View {
	b.Helper()
	cfg, tickets := reporttest.Desk(200_000, 1_000, now)
	v, err := poller.NewView(cfg, tickets, now)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkReport is one customer's weekly report (12 weeks of history, charts, lists) from a
// view of 200,000 tickets and 1,000 customers, rendered to HTML: what /customers/<id>/report does.
func BenchmarkReport(b *testing.B) {
	v := benchView(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r, err := FromView(v, fmt.Sprintf("customer-%04d", i%1000), Options{Audience: Internal})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.HTML(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeeting is one customer's meeting page (with the risk at each of 12 week ends).
func BenchmarkMeeting(b *testing.B) {
	v := benchView(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m, err := MeetingFromView(v, fmt.Sprintf("customer-%04d", i%1000), MeetingOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := m.HTML(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportAll is every customer's report from one view: the work of `custops report --all`
// after the store is loaded.
func BenchmarkReportAll(b *testing.B) {
	v := benchView(b)
	b.ResetTimer()
	for b.Loop() {
		for _, c := range v.Config.Customers {
			r, err := FromView(v, c.ID, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if err := r.HTML(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
}
