package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// defaultGOGC is the collector's target unless the GOGC environment variable sets one.
const defaultGOGC = 50

// loadGOGC is the collector's target from the start to the first view (loosenGC).
const loadGOGC = 200

// loosenGC raises the collector's target to loadGOGC and returns what puts the previous one
// back (idempotent). Loading the store and aggregating it for the first view only add live
// data: at defaultGOGC the collector would mark the growing heap over and over for little
// garbage (docs/scale.md). A target that is off or already looser is left as it is.
func loosenGC() (restore func()) {
	prev := debug.SetGCPercent(loadGOGC)
	if prev < 0 || prev > loadGOGC {
		debug.SetGCPercent(prev)
	}
	var once sync.Once
	return func() { once.Do(func() { debug.SetGCPercent(prev) }) }
}

// memLimitAuto is --runtime.gomemlimit's default: the container's memory limit times the ratio.
const memLimitAuto = "auto"

// setMemoryLimit sets the garbage collector's target (defaultGOGC) and the Go runtime's soft memory limit, so the garbage collector works harder
// as the heap nears the container's limit instead of the container being killed:
//   - the GOMEMLIMIT environment variable, when set, wins (the runtime read it at start; the
//     deploy files and the image set it to nine tenths of their limit);
//   - else --runtime.gomemlimit, a size such as 460MiB;
//   - else (auto) the cgroup memory limit of the process times ratio, when there is one.
//
// Written out rather than taken from a library (KimMachineGun/automemlimit, which Prometheus
// uses): reading one cgroup file for v2 and one for v1 is all it takes here, and nothing else of
// such a library would be used.
func setMemoryLimit(value string, ratio float64, logger *slog.Logger) error {
	if os.Getenv("GOGC") == "" {
		// The heap may grow half its live size between collections instead of Go's default
		// of all of it: with the runtime's own overhead, peak memory stays within twice the
		// live heap (docs/scale.md). The extra collections cost CPU only while tickets flow.
		debug.SetGCPercent(defaultGOGC)
	}
	if env := os.Getenv("GOMEMLIMIT"); env != "" {
		logger.Info("memory limit from GOMEMLIMIT", "gomemlimit", env)
		return nil
	}
	if value != memLimitAuto {
		n, err := parseSize(value)
		if err != nil {
			return fmt.Errorf("--runtime.gomemlimit: %w", err)
		}
		debug.SetMemoryLimit(n)
		logger.Info("memory limit from --runtime.gomemlimit", "bytes", n)
		return nil
	}
	if ratio <= 0 || ratio > 1 {
		return fmt.Errorf("--runtime.gomemlimit-ratio must be in (0, 1], got %v", ratio)
	}
	limit, where, ok := cgroupMemoryLimit("/")
	if !ok {
		logger.Debug("no container memory limit found; the Go runtime sets none")
		return nil
	}
	n := int64(float64(limit) * ratio)
	debug.SetMemoryLimit(n)
	logger.Info("memory limit from the container's", "bytes", n, "container_limit", limit, "ratio", ratio, "file", where)
	return nil
}

// cgroupMemoryLimit reads the memory limit of this process's cgroup, under root (for tests):
// cgroup v2's memory.max (the path from /proc/self/cgroup's "0::" line, else the mount's root),
// then cgroup v1's memory/memory.limit_in_bytes. No limit ("max", or v1's page-rounded
// MaxInt64) is not ok.
func cgroupMemoryLimit(root string) (int64, string, bool) {
	var candidates []string
	if b, err := os.ReadFile(filepath.Join(root, "proc/self/cgroup")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if path, ok := strings.CutPrefix(line, "0::"); ok {
				candidates = append(candidates, filepath.Join(root, "sys/fs/cgroup", path, "memory.max"))
			}
		}
	}
	candidates = append(candidates,
		filepath.Join(root, "sys/fs/cgroup/memory.max"),
		filepath.Join(root, "sys/fs/cgroup/memory/memory.limit_in_bytes"))
	for _, f := range candidates {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(b))
		if s == "max" {
			return 0, f, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 || n >= math.MaxInt64/2 {
			return 0, f, false // v1 writes a page-rounded MaxInt64 for no limit
		}
		return n, f, true
	}
	return 0, "", false
}

// parseSize reads a size the way GOMEMLIMIT is written: a number of bytes with an optional B,
// KiB, MiB, GiB or TiB suffix.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		size   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	mult := int64(1)
	num := strings.TrimSpace(s)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(rest), u.size
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, errors.New("want a size such as 460MiB or 2GiB, got " + strconv.Quote(s))
	}
	return n * mult, nil
}
