package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"460MiB": 460 << 20, "2GiB": 2 << 30, "1024": 1024, "10 KiB": 10 << 10, "5B": 5} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-1MiB", "1.5GiB", "460MB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

// TestCgroupMemoryLimit reads the limit from a cgroup v2 tree (the process's own path first), a
// v1 tree, and finds none where the files say there is none.
func TestCgroupMemoryLimit(t *testing.T) {
	write := func(root, file, content string) {
		t.Helper()
		p := filepath.Join(root, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	v2 := t.TempDir()
	write(v2, "proc/self/cgroup", "0::/kubepods/pod1/custops\n")
	write(v2, "sys/fs/cgroup/kubepods/pod1/custops/memory.max", "536870912\n")
	write(v2, "sys/fs/cgroup/memory.max", "max\n")
	if n, _, ok := cgroupMemoryLimit(v2); !ok || n != 512<<20 {
		t.Errorf("v2: %d %v, want 512 MiB", n, ok)
	}
	v1 := t.TempDir()
	write(v1, "sys/fs/cgroup/memory/memory.limit_in_bytes", "1073741824\n")
	if n, _, ok := cgroupMemoryLimit(v1); !ok || n != 1<<30 {
		t.Errorf("v1: %d %v, want 1 GiB", n, ok)
	}
	none := t.TempDir()
	write(none, "sys/fs/cgroup/memory.max", "max\n")
	if _, _, ok := cgroupMemoryLimit(none); ok {
		t.Error("memory.max \"max\" read as a limit")
	}
	unlimitedV1 := t.TempDir()
	write(unlimitedV1, "sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n")
	if _, _, ok := cgroupMemoryLimit(unlimitedV1); ok {
		t.Error("v1's page-rounded MaxInt64 read as a limit")
	}
}

// TestLoosenGC: the collector's target is loadGOGC until restore puts the previous one back
// (once, however often it is called); a target that is off or already looser is left alone.
// Not parallel: the target is the process's.
func TestLoosenGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, prev := range []int{defaultGOGC, 100, -1, 300} {
		debug.SetGCPercent(prev)
		restore := loosenGC()
		want := loadGOGC
		if prev < 0 || prev > loadGOGC {
			want = prev
		}
		if got := debug.SetGCPercent(want); got != want {
			t.Errorf("from %d: the target while loading is %d, want %d", prev, got, want)
		}
		restore()
		if got := debug.SetGCPercent(prev); got != prev {
			t.Errorf("from %d: restored to %d", prev, got)
		}
		debug.SetGCPercent(77) // a later change is not undone by a second restore
		restore()
		if got := debug.SetGCPercent(prev); got != 77 {
			t.Errorf("from %d: a second restore set %d", prev, got)
		}
	}
}
