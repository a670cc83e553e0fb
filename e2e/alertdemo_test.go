//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is an output buffer the script writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// alertDemo runs scripts/alert-demo.sh in a process group of its own, with the test's custops
// binary and env on top of the test's environment. The group lets the test see that every
// server the script started is gone after it exits.
type alertDemo struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{}
}

func startAlertDemo(t *testing.T, env ...string) *alertDemo {
	t.Helper()
	d := &alertDemo{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	d.cmd = exec.Command("bash", "../scripts/alert-demo.sh")
	d.cmd.Env = append(append(os.Environ(), "CUSTOPS_BIN="+buildCustops(t)), env...)
	d.cmd.Stdout, d.cmd.Stderr = d.stdout, d.stderr
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = d.cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL) // only if a test failed midway
		<-d.done
		if t.Failed() {
			t.Logf("--- alert-demo stdout ---\n%s\n--- alert-demo stderr ---\n%s", d.stdout, d.stderr)
		}
	})
	return d
}

// wait waits for the script to exit and returns its exit code.
func (d *alertDemo) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-d.done:
	case <-time.After(timeout):
		t.Fatalf("alert-demo.sh did not exit within %v", timeout)
	}
	return d.cmd.ProcessState.ExitCode()
}

// groupGone reports whether no process of the script's process group is left.
func (d *alertDemo) groupGone() bool {
	return errors.Is(syscall.Kill(-d.cmd.Process.Pid, 0), syscall.ESRCH)
}

// intruder holds a port the way another exporter or Prometheus would, and counts every request.
type intruder struct {
	port     string
	requests atomic.Int64
}

// holdUsualPorts binds each of the ports alert-demo.sh used to use (custops, Prometheus,
// Alertmanager) that is free, with a server that answers everything as a healthy exporter would.
func holdUsualPorts(t *testing.T) []*intruder {
	t.Helper()
	var held []*intruder
	for _, port := range []string{"10042", "9090", "9093"} {
		l, err := net.Listen("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Logf("port %s is already held by another process: that process plays the intruder", port)
			continue
		}
		in := &intruder{port: port}
		srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			in.requests.Add(1)
			fmt.Fprintln(w, "intruder_metric 1")
		})}
		go func() { _ = srv.Serve(l) }()
		t.Cleanup(func() { _ = srv.Close() })
		held = append(held, in)
	}
	if len(held) == 0 {
		t.Fatal("none of the usual ports 10042, 9090, 9093 could be held")
	}
	return held
}

var bannerURL = regexp.MustCompile(`(?m)^(custops demo|Prometheus API|Alertmanager) +http://127\.0\.0\.1:(\d+)`)

// TestAlertDemoOnFreePorts starts scripts/alert-demo.sh while other servers hold the usual ports
// 10042, 9090 and 9093: it runs its three servers on ports the kernel picked, its Prometheus
// scrapes its own custops and never the other process, and SIGTERM stops all of them.
func TestAlertDemoOnFreePorts(t *testing.T) {
	held := holdUsualPorts(t)
	d := startAlertDemo(t)
	waitFor(t, "the alert demo's banner", 4*time.Minute, func() (bool, error) {
		select {
		case <-d.done:
			t.Fatalf("alert-demo.sh exited early: %s", d.stderr)
		default:
		}
		return strings.Contains(d.stdout.String(), "Ctrl-C stops everything."), nil
	})
	ports := map[string]string{}
	for _, m := range bannerURL.FindAllStringSubmatch(d.stdout.String(), -1) {
		ports[m[1]] = m[2]
	}
	if len(ports) != 3 {
		t.Fatalf("banner names %v, want the three servers' ports", ports)
	}
	for name, p := range ports {
		for _, in := range held {
			if p == in.port {
				t.Errorf("%s on port %s, which another process holds", name, p)
			}
		}
	}
	prom := "http://127.0.0.1:" + ports["Prometheus API"]
	custops := "127.0.0.1:" + ports["custops demo"]
	waitFor(t, "Prometheus scraping the demo's custops", time.Minute, func() (bool, error) {
		up, err := promQuery(context.Background(), prom, `up{job="custops"}`)
		if err != nil || len(up) != 1 {
			return false, err
		}
		if up[0].Metric["instance"] != custops {
			t.Fatalf("Prometheus scrapes %s, want the demo's custops at %s", up[0].Metric["instance"], custops)
		}
		info, err := promQuery(context.Background(), prom, `custops_customer_info`)
		return up[0].Value[1] == "1" && len(info) > 0, err
	})
	for _, in := range held {
		if n := in.requests.Load(); n != 0 {
			t.Errorf("the server holding port %s got %d requests from the alert demo", in.port, n)
		}
	}

	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	d.wait(t, 30*time.Second)
	waitFor(t, "every server of the alert demo stopped", 10*time.Second, func() (bool, error) { return d.groupGone(), nil })
	if ok, _ := httpOK("http://" + custops + "/-/healthy"); ok {
		t.Errorf("custops still answers after the script stopped")
	}
}

// TestAlertDemoFailsLoudly: an Alertmanager that cannot start stops the script with a non-zero
// exit, a message naming it and its log, and the servers already started stopped with it.
func TestAlertDemoFailsLoudly(t *testing.T) {
	pinned := os.Getenv("CUSTOPS_TOOLS_DIR")
	if pinned == "" {
		t.Fatal("CUSTOPS_TOOLS_DIR is not set (scripts/test.sh sets it)")
	}
	tools := t.TempDir()
	entries, err := os.ReadDir(pinned)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "alertmanager" {
			if err := os.Symlink(filepath.Join(pinned, e.Name()), filepath.Join(tools, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	broken := "#!/bin/sh\necho 'alertmanager: cannot open the storage: simulated failure' >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(tools, "alertmanager"), []byte(broken), 0o755); err != nil {
		t.Fatal(err)
	}
	d := startAlertDemo(t, "CUSTOPS_TOOLS_DIR="+tools)
	if code := d.wait(t, 3*time.Minute); code == 0 {
		t.Errorf("alert-demo.sh exited 0 although Alertmanager did not start")
	}
	for _, want := range []string{"alert-demo: FAILED: alertmanager exited before listening", "simulated failure"} {
		if !strings.Contains(d.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, d.stderr)
		}
	}
	if strings.Contains(d.stdout.String(), "Ctrl-C stops everything.") {
		t.Errorf("the script announced the demo although a server had not started")
	}
	waitFor(t, "the custops demo the script had started stopped", 10*time.Second, func() (bool, error) { return d.groupGone(), nil })
}
