package main

import (
	"os"
	"path/filepath"
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
