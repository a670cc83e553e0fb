package sim

import (
	"time"

	"github.com/custops/custops/collector/ticket"
)

// goldGoals are the gold tier's SLA goals; silver doubles them and bronze triples them. The demo
// config states the same numbers, so the native clocks the simulator produces agree with the
// contract the snapshot checks them against.
var goldGoals = map[ticket.Priority]struct{ firstResponse, resolution time.Duration }{
	ticket.P1: {15 * time.Minute, 4 * time.Hour},
	ticket.P2: {time.Hour, 8 * time.Hour},
	ticket.P3: {4 * time.Hour, 24 * time.Hour},
	ticket.P4: {8 * time.Hour, 72 * time.Hour},
}

// tierFactor is how much longer than gold a tier's goals are. An unknown tier (the unmapped
// organization) gets bronze goals: its tickets still need some clock.
func tierFactor(tier string) time.Duration {
	switch tier {
	case "gold":
		return 1
	case "silver":
		return 2
	default:
		return 3
	}
}

// goals returns the first-response and resolution goals of a tier and priority.
func goals(tier string, p ticket.Priority) (firstResponse, resolution time.Duration) {
	g := goldGoals[p]
	f := tierFactor(tier)
	return g.firstResponse * f, g.resolution * f
}
