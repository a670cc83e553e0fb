//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// freePort asks the kernel for a free loopback port. The port is released before the server
// binds it; on a test machine nothing else races for it in that instant.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// process is a server the test started; its output goes to a log file that is printed when the
// test fails.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// start runs bin with args until the test ends.
func start(t *testing.T, name, bin string, args ...string) *process {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			if len(b) > 6000 {
				b = b[len(b)-6000:]
			}
			t.Logf("--- %s log (tail) ---\n%s", name, b)
		}
	})
	return p
}

// waitFor polls cond until it holds or the deadline passes; it never sleeps longer than needed.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for {
		ok, err := cond()
		if ok {
			return
		}
		lastErr = err
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s (last error: %v)", timeout, what, lastErr)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// httpOK reports whether GET url answers 200.
func httpOK(u string) (bool, error) {
	resp, err := http.Get(u)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("%s: %s", u, resp.Status)
	}
	return true, nil
}

// buildCustops builds the binary under test once per test binary run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func buildCustops(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "custops-e2e-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "custops")
		// The same build command as the Dockerfile's, so the tested binary is the shipped one.
		cmd := exec.Command("bash", "../scripts/build.sh", buildOnce.path)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildOnce.err = fmt.Errorf("scripts/build.sh: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// promQuery runs an instant query against Prometheus' HTTP API and returns the result vector.
func promQuery(ctx context.Context, base, query string) ([]promSample, error) {
	u := base + "/api/v1/query?" + url.Values{"query": {query}}.Encode()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s", query, body.Error)
	}
	switch body.Data.ResultType {
	case "vector":
		var out []promSample
		err := json.Unmarshal(body.Data.Result, &out)
		return out, err
	case "scalar":
		return []promSample{{}}, nil
	}
	return nil, fmt.Errorf("query %q: unexpected result type %s", query, body.Data.ResultType)
}

type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  []any             `json:"value"`
}

// webhook collects Alertmanager notifications (webhook_config payload version 4).
type webhook struct {
	mu       sync.Mutex
	received []notification
}

type notification struct {
	Receiver string  `json:"receiver"`
	Status   string  `json:"status"`
	Alerts   []alert `json:"alerts"`
	Path     string  `json:"-"`
}

type alert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func (w *webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	var n notification
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &n); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	n.Path = r.URL.Path
	w.mu.Lock()
	w.received = append(w.received, n)
	w.mu.Unlock()
}

// alerts returns every alert received so far with the path it was delivered to.
func (w *webhook) alerts() []deliveredAlert {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []deliveredAlert
	for _, n := range w.received {
		for _, a := range n.Alerts {
			out = append(out, deliveredAlert{alert: a, Path: n.Path, Receiver: n.Receiver})
		}
	}
	return out
}

type deliveredAlert struct {
	alert
	Path, Receiver string
}

// put changes state on the exporter as a person's curl does (state-changing endpoints refuse a
// simple POST, which a cross-site form could send).
func put(t *testing.T, u string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT %s: %s %s", u, resp.Status, b)
	}
}
