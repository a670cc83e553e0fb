package alerts

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
)

// expand renders an annotation the way the Prometheus rule manager does, for the cases the
// promtool tests cannot reach (promtool's clock starts at the epoch).
func expand(t *testing.T, text string, labels map[string]string, value float64) string {
	t.Helper()
	defs := "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
	data := template.AlertTemplateData(labels, nil, "", promql.Sample{F: value})
	// Every query the template runs answers 180: the stale threshold of a 1m source.
	query := func(_ context.Context, q string, _ time.Time) (promql.Vector, error) {
		t.Logf("query %s", q)
		return promql.Vector{{F: 180}}, nil
	}
	out, err := template.NewTemplateExpander(context.Background(), defs+text, "test", data, model.Time(0), query, nil, nil).Expand()
	if err != nil {
		t.Fatalf("expand %q: %v", text, err)
	}
	return out
}

func TestSourceStaleDescription(t *testing.T) {
	var desc string
	for _, a := range healthAlerts(DefaultOptions()) {
		if a.name == alertSourceStale {
			desc = a.description
		}
	}
	for _, tc := range []struct {
		name  string
		value float64
		want  string
	}{
		{"never succeeded (last success 0)", 1.7e9, "Source jsm has never polled successfully, longer than its stale threshold of 3m 0s (stale_after_polls poll intervals)."},
		{"stale for 7 minutes", 420, "Source jsm last polled successfully 7m 0s ago, longer than its stale threshold of 3m 0s (stale_after_polls poll intervals)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := expand(t, desc, map[string]string{"source": "jsm"}, tc.value)
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want it to start with %q", got, tc.want)
			}
		})
	}
}
