package snapshot

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func seq(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i + 1)
	}
	return v
}

func TestNearestRank(t *testing.T) {
	cases := []struct {
		values []float64
		q      float64
		want   float64
	}{
		{nil, 0.5, math.NaN()},
		{[]float64{7}, 0.5, 7},
		{[]float64{7}, 0.9, 7},
		{[]float64{1, 2, 3}, 0.5, 2}, // ceil(1.5) = 2nd
		{seq(4), 0.5, 2},             // ceil(2) = 2nd: no interpolation
		{seq(10), 0.5, 5},
		{seq(10), 0.9, 9},
		{seq(20), 0.9, 18}, // 0.9*20 is 18.000000000000004 in floats; still the 18th
		{seq(11), 0.9, 10}, // ceil(9.9) = 10th
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("n=%d,q=%v", len(tc.values), tc.q), func(t *testing.T) {
			if got := nearestRank(tc.values, tc.q); !near(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestResponseAndResolutionTime(t *testing.T) {
	s := compute(
		tk(created(ago(2*hour)), firstReply(ago(hour))),                        // 3600
		tk(created(ago(3*hour)), firstReply(ago(hour))),                        // 7200
		tk(created(ago(40*day)), firstReply(ago(30*day))),                      // old edge: out
		tk(created(ago(31*day)), firstReply(ago(30*day-time.Second))),          // 86401
		tk(created(ago(10*time.Minute)), firstReply(ago(10*time.Minute))),      // 0
		tk(created(ago(hour)), firstReply(ago(2*hour))),                        // skew: 0
		tk(created(ago(5*hour)), resolved(ago(hour))),                          // resolution 14400
		tk(created(ago(40*day)), resolved(ago(30*day))),                        // old edge: out
		tk(cust("zeta"), created(ago(hour)), firstReply(now.Add(time.Minute))), // future: out
	)
	nan := math.NaN()
	cases := []struct {
		name string
		got  Summary
		want Summary
	}{
		{"alpha response", customer(t, s, "alpha").ResponseTime,
			Summary{Count: 5, Sum: 97201, Quantiles: map[float64]float64{0.5: 3600, 0.9: 86401}}},
		{"alpha resolution", customer(t, s, "alpha").ResolutionTime,
			Summary{Count: 1, Sum: 14400, Quantiles: map[float64]float64{0.5: 14400, 0.9: 14400}}},
		{"zeta response: empty", customer(t, s, "zeta").ResponseTime,
			Summary{Quantiles: map[float64]float64{0.5: nan, 0.9: nan}}},
		{"beta resolution: empty", customer(t, s, "beta").ResolutionTime,
			Summary{Quantiles: map[float64]float64{0.5: nan, 0.9: nan}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok := tc.got.Count == tc.want.Count && near(tc.got.Sum, tc.want.Sum) && len(tc.got.Quantiles) == len(tc.want.Quantiles)
			for q, w := range tc.want.Quantiles {
				g, present := tc.got.Quantiles[q]
				ok = ok && present && near(g, w)
			}
			if !ok {
				t.Errorf("got %+v, want %+v", tc.got, tc.want)
			}
		})
	}
}

func TestSamplesGroupPerCustomerSorted(t *testing.T) {
	var s samples
	for _, a := range []struct {
		c int
		v float64
	}{{2, 5}, {0, 3}, {2, 1}, {0, 9}, {2, 3}} {
		s.add(a.c, a.v)
	}
	got := s.group(4)
	want := [][]float64{{3, 9}, {}, {1, 3, 5}, {}}
	if len(got) != len(want) {
		t.Fatalf("got %d groups, want %d", len(got), len(want))
	}
	for i := range want {
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
			t.Errorf("customer %d: got %v, want %v", i, got[i], want[i])
		}
	}
}
