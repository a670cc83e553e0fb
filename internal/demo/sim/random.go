package sim

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// splitmix64 scrambles a 64-bit value; chaining it keys independent random streams.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream returns a random stream keyed by the given values. Every draw of the simulator comes
// from a stream keyed by what it is about (seed, customer, hour, arrival), never from a shared
// sequence, so the order in which the world is advanced cannot change any result.
func stream(keys ...uint64) *rand.Rand {
	h := uint64(0x243f6a8885a308d3)
	for _, k := range keys {
		h = splitmix64(h ^ k)
	}
	return rand.New(rand.NewPCG(h, splitmix64(h^0x13198a2e03707344)))
}

// nameKey turns a name into a stream key.
func nameKey(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// poisson draws from a Poisson distribution with mean lambda (Knuth's method: the means here are
// a few per hour, where it is exact and quick).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	limit := math.Exp(-lambda)
	k, p := 0, r.Float64()
	for p > limit {
		k++
		p *= r.Float64()
	}
	return k
}

// lognormal draws a positive factor with the given median and spread: the shape of human
// response and work times, mostly quick with a long slow tail.
func lognormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// uniform draws from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }
