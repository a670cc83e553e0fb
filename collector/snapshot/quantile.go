package snapshot

import (
	"math"
	"slices"
)

// samples collects durations of all customers in two flat slices, so a snapshot allocates per
// growth step, not per customer or per ticket.
type samples struct {
	customer []int32
	value    []float64
}

func (s *samples) add(customer int, v float64) {
	s.customer = append(s.customer, int32(customer))
	s.value = append(s.value, v)
}

// group returns the values per customer index, each sorted ascending. The groups are sub-slices
// of one buffer, placed by a counting sort on the customer index.
func (s *samples) group(customers int) [][]float64 {
	offset := make([]int, customers+1)
	for _, c := range s.customer {
		offset[c+1]++
	}
	for i := 1; i <= customers; i++ {
		offset[i] += offset[i-1]
	}
	buf := make([]float64, len(s.value))
	next := slices.Clone(offset[:customers])
	for i, c := range s.customer {
		buf[next[c]] = s.value[i]
		next[c]++
	}
	out := make([][]float64, customers)
	for c := range out {
		out[c] = buf[offset[c]:offset[c+1]:offset[c+1]]
		slices.Sort(out[c])
	}
	return out
}

// Quantiles are the quantiles every Summary reports.
func Quantiles() []float64 { return []float64{0.5, 0.9} }

// summarize builds a Summary from ascending values. Quantiles are exact, by the nearest-rank
// method: the q-quantile of n values is the ceil(q*n)-th smallest, always an observed value. An
// empty summary reports NaN quantiles, as Prometheus client summaries do without observations.
func summarize(sorted []float64) Summary {
	s := Summary{Count: uint64(len(sorted)), Quantiles: make(map[float64]float64, 2)}
	for _, v := range sorted {
		s.Sum += v
	}
	for _, q := range Quantiles() {
		s.Quantiles[q] = nearestRank(sorted, q)
	}
	return s
}

// nearestRank is the q-quantile of ascending values by nearest rank; NaN when empty. The small
// epsilon keeps float error in q*n (0.9*20 is not exactly 18) from moving the rank up by one.
func nearestRank(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	r := int(math.Ceil(q*float64(n) - 1e-9))
	return sorted[min(max(r, 1), n)-1]
}
