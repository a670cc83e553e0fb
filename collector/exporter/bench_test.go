package exporter

import (
	"fmt"
	"io"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/custops/custops/collector/snapshot"
)

// BenchmarkRenderMetrics measures a scrape of 1,000 customers: gather plus text encoding, as
// promhttp does. The snapshot holds aggregates only, so the cost does not depend on how many
// tickets were behind them (the same snapshot stands for 1,000 or 1,000,000 tickets).
func BenchmarkRenderMetrics(b *testing.B) {
	for _, customers := range []int{100, 1000} {
		b.Run(fmt.Sprintf("customers=%d", customers), func(b *testing.B) {
			st := testState()
			snap := *st.view.Snapshot
			snap.Customers = make([]snapshot.Customer, customers)
			for i := range snap.Customers {
				snap.Customers[i] = testCustomer(fmt.Sprintf("customer-%04d", i))
			}
			st.view = withSnapshot(st.view, &snap)
			reg := prometheus.NewRegistry()
			reg.MustRegister(New(st))
			b.ReportAllocs()
			b.ResetTimer()
			series := 0
			for b.Loop() {
				mfs, err := reg.Gather()
				if err != nil {
					b.Fatal(err)
				}
				enc := expfmt.NewEncoder(io.Discard, expfmt.NewFormat(expfmt.TypeTextPlain))
				series = 0
				for _, mf := range mfs {
					series += len(mf.GetMetric())
					if err := enc.Encode(mf); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(series), "series")
		})
	}
}
