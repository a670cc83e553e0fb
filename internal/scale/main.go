// Command scale measures the real custops binary on a generated Jira desk of N tickets and C
// customers (internal/demo/scaledesk served by jirafake on loopback) and prints the table of
// issue 17: cold sync, peak RSS, live heap, idle CPU, the quiet recompute, /metrics size and
// latency under concurrent scrapers (gzip and protobuf), restart to ready and the vendor requests
// after the restart. scripts/scale.sh builds both and runs it; docs/scale.md has the results.
//
// Every number is read from the process itself (/proc/<pid>: VmHWM, utime+stime), from its
// /metrics (go_gc_heap_live_bytes, custops_snapshot_duration_seconds) or from the fake's
// request log; nothing is estimated.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/custops/custops/internal/demo/scaledesk"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

type options struct {
	tickets, customers int
	binary             string
	dataCenter         bool
	scrapers           int
	scrapeFor          time.Duration
	idleFor            time.Duration
	watchFor           time.Duration
	pollInterval       time.Duration
	work               string
	extraArgs          []string
	restarts           int
	coldRestarts       int
}

func run() error {
	var o options
	flag.IntVar(&o.tickets, "tickets", 100_000, "tickets on the generated desk")
	flag.IntVar(&o.customers, "customers", 1_000, "customers on the generated desk")
	flag.StringVar(&o.binary, "custops", "./custops", "the custops binary to measure")
	flag.BoolVar(&o.dataCenter, "datacenter", false, "serve the desk as Jira Data Center (pages of 1,000) instead of Cloud (pages of 100)")
	flag.IntVar(&o.scrapers, "scrapers", 10, "concurrent scrapers")
	flag.DurationVar(&o.scrapeFor, "scrape-for", 20*time.Second, "how long the scrapers scrape, per format")
	flag.DurationVar(&o.idleFor, "idle-for", 2*time.Minute, "how long idle CPU is measured")
	flag.DurationVar(&o.watchFor, "watch-for", 2*time.Minute, "how long the vendor requests after the restart are counted")
	flag.IntVar(&o.restarts, "restarts", 1, "how many times restart to ready is measured (the median is in the table)")
	flag.IntVar(&o.coldRestarts, "cold-restarts", 0, "restarts measured after dropping the kernel's page cache, as on a node that never read the store file (needs root: writes /proc/sys/vm/drop_caches)")
	flag.DurationVar(&o.pollInterval, "poll-interval", time.Minute, "the source's poll interval")
	flag.StringVar(&o.work, "work", "", "working directory (store, config, logs); a temporary one when empty")
	extra := flag.String("args", "", "extra flags for custops serve, space separated")
	flag.Parse()
	if *extra != "" {
		o.extraArgs = strings.Fields(*extra)
	}
	if o.work == "" {
		dir, err := os.MkdirTemp("", "custops-scale-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.work = dir
	}
	return measure(o)
}

func measure(o options) error {
	desk := scaledesk.Options{Tickets: o.tickets, Customers: o.customers, Seed: 17, Now: time.Now(), DataCenter: o.dataCenter}
	token := randomToken()
	step("generating %d tickets over %d customers", o.tickets, o.customers)
	fake, err := scaledesk.Serve(desk, token)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	deskSrv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = deskSrv.Serve(l) }()
	defer deskSrv.Close()

	tokenFile := filepath.Join(o.work, "token")
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		return err
	}
	cfgText := scaledesk.Config(desk, "http://"+l.Addr().String(), tokenFile, filepath.Join(o.work, "data"))
	cfgText = fmt.Sprintf("poll_interval: %s\n", o.pollInterval) + cfgText
	cfgFile := filepath.Join(o.work, "custops.yml")
	if err := os.WriteFile(cfgFile, []byte(cfgText), 0o600); err != nil {
		return err
	}

	var res result
	res.tickets, res.customers = o.tickets, o.customers

	// Cold sync: from an empty store to ready.
	step("cold sync")
	p, err := start(o, cfgFile, "first")
	if err != nil {
		return err
	}
	defer func() { _ = p.stop() }()
	if res.coldSync, err = p.waitReady(2 * time.Hour); err != nil {
		return err
	}
	if n, err := p.metric("custops_source_tickets", `source="jsm"`); err != nil || int(n) != o.tickets {
		return fmt.Errorf("after the cold sync the store holds %v tickets (%v), want %d", n, err, o.tickets)
	}
	res.peakSync, res.anonSync = p.status("VmHWM"), p.peakAnon.Load()

	// Idle: nothing changes on the desk; polls and the time-driven views go on.
	step("idle for %s", o.idleFor)
	time.Sleep(10 * time.Second) // let the first views after the sync settle
	cpu0, wall0 := p.cpu(), time.Now()
	var took []float64
	for time.Since(wall0) < o.idleFor {
		time.Sleep(5 * time.Second)
		if v, err := p.metric("custops_snapshot_duration_seconds", ""); err == nil {
			took = append(took, v)
		}
	}
	res.idleCPU = (p.cpu() - cpu0).Seconds() / time.Since(wall0).Seconds()
	slices.Sort(took)
	if len(took) > 0 {
		res.quietRecompute = time.Duration(took[len(took)-1] * float64(time.Second))
		res.medianRecompute = time.Duration(took[len(took)/2] * float64(time.Second))
	}
	if res.liveHeap, err = p.metric("go_gc_heap_live_bytes", ""); err != nil {
		return err
	}
	res.rssIdle, res.anonIdle, res.fileIdle = p.status("VmRSS"), p.status("RssAnon"), p.status("RssFile")

	step("scraping with %d scrapers, %s per format", o.scrapers, o.scrapeFor)
	res.identitySize, err = p.bodySize(acceptOpenMetrics, "")
	if err != nil {
		return err
	}
	if res.gzip, err = p.scrape(o, acceptOpenMetrics); err != nil {
		return err
	}
	if res.proto, err = p.scrape(o, acceptProtobuf); err != nil {
		return err
	}
	res.peakRun, res.anonRun = p.status("VmHWM"), p.peakAnon.Load()

	// Restart: stop, start on the same store, count what the desk is asked afterwards.
	step("restart")
	p, res.restart, err = restart(p, o, cfgFile, "restart", func() error { fake.ResetRequests(); return nil })
	if err != nil {
		return err
	}
	step("watching the desk's requests for %s", o.watchFor)
	time.Sleep(o.watchFor)
	for _, r := range fake.Requests() {
		if r.Endpoint != "search" {
			continue
		}
		if strings.Contains(r.JQL(), "key in") {
			res.reconcileRequests++
		} else {
			res.searchRequests++
		}
	}
	res.peakRestart = p.status("VmHWM")
	res.restarts = []time.Duration{res.restart}
	logs := []string{p.log}
	for i := 1; i < o.restarts; i++ {
		step("restart %d of %d", i+1, o.restarts)
		var d time.Duration
		if p, d, err = restart(p, o, cfgFile, fmt.Sprintf("restart%d", i+1), nil); err != nil {
			return err
		}
		res.restarts = append(res.restarts, d)
		res.peakRestart = max(res.peakRestart, p.status("VmHWM"))
		logs = append(logs, p.log)
	}
	var coldLogs []string
	for i := range o.coldRestarts {
		step("restart %d of %d with the page cache dropped", i+1, o.coldRestarts)
		var d time.Duration
		if p, d, err = restart(p, o, cfgFile, fmt.Sprintf("cold%d", i+1), dropPageCache); err != nil {
			return err
		}
		res.coldRestarts = append(res.coldRestarts, d)
		coldLogs = append(coldLogs, p.log)
	}
	if err := p.stop(); err != nil {
		return err
	}
	loads, views, err := startupMedians(logs)
	if err != nil {
		return err
	}
	res.restart, res.storeLoad, res.firstView = median(res.restarts), loads, views
	if len(coldLogs) > 0 {
		if res.coldLoad, _, err = startupMedians(coldLogs); err != nil {
			return err
		}
		res.coldRestart = median(res.coldRestarts)
	}
	res.print(os.Stdout, o)
	return nil
}

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s scale: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startupTimes reads from custops's log how long its store took to load and its first complete
// view to compute (the lines "store loaded" and "first complete view").
func startupTimes(logFile string) (load, view time.Duration, err error) {
	data, err := os.ReadFile(logFile)
	if err != nil {
		return 0, 0, err
	}
	took := func(msg string) (time.Duration, error) {
		m := regexp.MustCompile(`msg="` + msg + `".* took=(\S+)`).FindSubmatch(data)
		if m == nil {
			return 0, fmt.Errorf("no %q line in %s", msg, logFile)
		}
		return time.ParseDuration(string(m[1]))
	}
	if load, err = took("store loaded"); err != nil {
		return 0, 0, err
	}
	view, err = took("first complete view")
	return load, view, err
}

// median returns the median of ds (the upper one of an even count); ds is sorted.
// restart stops p, runs before (when not nil), starts custops again on the same store, logging to
// name, and times it to ready. The new process comes back even with an error, for the caller to
// stop.
func restart(p *process, o options, cfgFile, name string, before func() error) (*process, time.Duration, error) {
	if err := p.stop(); err != nil {
		return p, 0, err
	}
	if before != nil {
		if err := before(); err != nil {
			return p, 0, err
		}
	}
	np, err := start(o, cfgFile, name)
	if err != nil {
		return p, 0, err
	}
	d, err := np.waitReady(10 * time.Minute)
	return np, d, err
}

// startupMedians reads the store load and first view of each log (startupTimes) and returns
// their medians.
func startupMedians(logs []string) (load, view time.Duration, err error) {
	var loads, views []time.Duration
	for _, l := range logs {
		load, view, err := startupTimes(l)
		if err != nil {
			return 0, 0, err
		}
		loads, views = append(loads, load), append(views, view)
	}
	return median(loads), median(views), nil
}

// dropPageCache writes dirty pages back and drops the kernel's clean page cache, so that the next
// start reads the store file from the disk.
func dropPageCache() error {
	syscall.Sync()
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3"), 0); err != nil {
		return fmt.Errorf("dropping the page cache for --cold-restarts (needs root on Linux): %w", err)
	}
	return nil
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// result is one row of the table.
type result struct {
	tickets, customers          int
	coldSync, restart           time.Duration // restart: the median of restarts
	restarts                    []time.Duration
	coldRestart, coldLoad       time.Duration // medians over the restarts after the page cache was dropped
	coldRestarts                []time.Duration
	storeLoad, firstView        time.Duration // medians over the restarts, from custops's log
	peakSync, peakRun, rssIdle  int64         // bytes
	peakRestart                 int64
	anonSync, anonRun, anonIdle int64 // RssAnon: peak in the cold sync, peak over the run, when idle
	fileIdle                    int64 // RssFile when idle: the store file's mapped pages
	liveHeap                    float64
	idleCPU                     float64 // cores
	quietRecompute              time.Duration
	medianRecompute             time.Duration
	identitySize                int
	gzip, proto                 scrapeResult
	reconcileRequests           int
	searchRequests              int
}

func (r result) print(w io.Writer, o options) {
	mib := func(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
	fmt.Fprintf(w, "\ncustops on a generated desk: %d tickets, %d customers (%s), poll interval %s\n\n", r.tickets, r.customers, flavor(o), o.pollInterval)
	fmt.Fprintf(w, "  cold sync (start to ready)      %s\n", r.coldSync.Round(100*time.Millisecond))
	fmt.Fprintf(w, "  peak RSS: cold sync / run       %s / %s (VmHWM, with the store file's mapped pages)\n", mib(r.peakSync), mib(r.peakRun))
	fmt.Fprintf(w, "  peak anonymous RSS: sync / run  %s / %s (RssAnon sampled every 100 ms)\n", mib(r.anonSync), mib(r.anonRun))
	fmt.Fprintf(w, "  live heap                       %.0f MB (go_gc_heap_live_bytes)\n", r.liveHeap/1e6)
	fmt.Fprintf(w, "  idle RSS                        %s: %s anonymous, %s store file pages\n", mib(r.rssIdle), mib(r.anonIdle), mib(r.fileIdle))
	fmt.Fprintf(w, "  peak RSS / live heap            %.2f anonymous, %.2f with file pages\n", float64(r.anonRun)/r.liveHeap, float64(max(r.peakSync, r.peakRun))/r.liveHeap)
	fmt.Fprintf(w, "  idle CPU                        %.4f cores over %s\n", r.idleCPU, o.idleFor)
	fmt.Fprintf(w, "  view recompute while idle       median %s, slowest %s (custops_snapshot_duration_seconds, every 5 s)\n",
		r.medianRecompute.Round(100*time.Microsecond), r.quietRecompute.Round(100*time.Microsecond))
	fmt.Fprintf(w, "  /metrics OpenMetrics            %.1f MB plain, %.1f MB gzip\n", float64(r.identitySize)/1e6, float64(r.gzip.size)/1e6)
	fmt.Fprintf(w, "  /metrics gzip, %d scrapers      %s\n", o.scrapers, r.gzip)
	fmt.Fprintf(w, "  /metrics protobuf+gzip          %.1f MB, %s\n", float64(r.proto.size)/1e6, r.proto)
	fmt.Fprintf(w, "  restart to ready                %s (peak RSS %s)", r.restart.Round(10*time.Millisecond), mib(r.peakRestart))
	if n := len(r.restarts); n > 1 {
		fmt.Fprintf(w, ", the median of %d: %s to %s", n, r.restarts[0].Round(10*time.Millisecond), r.restarts[n-1].Round(10*time.Millisecond))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "    of which                      store load %s, first view %s (medians, from custops's log)\n",
		r.storeLoad.Round(10*time.Millisecond), r.firstView.Round(10*time.Millisecond))
	if n := len(r.coldRestarts); n > 0 {
		fmt.Fprintf(w, "  restart, page cache dropped     %s, the median of %d: %s to %s; store load %s\n", r.coldRestart.Round(10*time.Millisecond),
			n, r.coldRestarts[0].Round(10*time.Millisecond), r.coldRestarts[n-1].Round(10*time.Millisecond), r.coldLoad.Round(10*time.Millisecond))
	}
	fmt.Fprintf(w, "  requests in %s after restart   %d reconcile, %d other searches\n", o.watchFor, r.reconcileRequests, r.searchRequests)
	fmt.Fprintf(w, "\n| %d / %d | %s | %s anonymous (%s with file pages) | %.0f MB | %.3f core | %.1f MB, gzip p99 %s, protobuf p99 %s | %s, then %d reconcile requests |\n",
		r.tickets, r.customers, r.coldSync.Round(100*time.Millisecond), mib(r.anonRun), mib(max(r.peakSync, r.peakRun)), r.liveHeap/1e6, r.idleCPU,
		float64(r.identitySize)/1e6, r.gzip.p99.Round(time.Millisecond), r.proto.p99.Round(time.Millisecond),
		r.restart.Round(10*time.Millisecond), r.reconcileRequests)
}

func flavor(o options) string {
	if o.dataCenter {
		return "Jira Data Center, pages of 1,000"
	}
	return "Jira Cloud, pages of 100"
}

// process is one running custops.
type process struct {
	peakAnon atomic.Int64 // the largest RssAnon sampled, bytes
	cmd      *exec.Cmd
	base     string // http://127.0.0.1:port
	started  time.Time
	log      string
	done     chan error
	once     sync.Once
	err      error
}

var listening = regexp.MustCompile(`msg="Listening on".* address=([^\s]+)`)

func start(o options, cfgFile, name string) (*process, error) {
	logFile := filepath.Join(o.work, name+".log")
	f, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--config.file=" + cfgFile, "--web.listen-address=127.0.0.1:0"}, o.extraArgs...)
	cmd := exec.Command(o.binary, args...)
	cmd.Stdout, cmd.Stderr = f, f
	p := &process{cmd: cmd, log: logFile, done: make(chan error, 1), started: time.Now()}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.done <- cmd.Wait(); _ = f.Close() }()
	go p.sampleAnon()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("custops exited before listening (%v); log %s:\n%s", err, logFile, tail(logFile))
		default:
		}
		b, _ := os.ReadFile(logFile)
		if m := listening.FindSubmatch(b); m != nil {
			p.base = "http://" + string(m[1])
			return p, nil
		}
	}
	_ = p.stop()
	return nil, fmt.Errorf("custops did not listen within a minute; log %s", logFile)
}

func tail(file string) string {
	b, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// sampleAnon samples RssAnon every 100 ms until the process ends: the anonymous memory (the Go
// heap and runtime), without the pages of the store file bbolt maps, which VmRSS and VmHWM also
// count and the kernel can drop at any time.
func (p *process) sampleAnon() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for range t.C {
		n := p.status("RssAnon")
		if n == 0 {
			return
		}
		if n > p.peakAnon.Load() {
			p.peakAnon.Store(n)
		}
	}
}

// stop sends SIGTERM and waits for the exit.
func (p *process) stop() error {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-p.done:
			p.err = err
		case <-time.After(time.Minute):
			_ = p.cmd.Process.Kill()
			p.err = errors.New("custops did not stop within a minute of SIGTERM")
		}
	})
	return p.err
}

// waitReady polls /-/ready and returns the time from the start to its first 200.
func (p *process) waitReady(limit time.Duration) (time.Duration, error) {
	deadline := p.started.Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			return 0, fmt.Errorf("custops exited (%v); log %s:\n%s", err, p.log, tail(p.log))
		default:
		}
		resp, err := http.Get(p.base + "/-/ready")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.started), nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("not ready within %s; log %s:\n%s", limit, p.log, tail(p.log))
}

// status reads a kB field of /proc/<pid>/status, in bytes.
func (p *process) status(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpu is the process's user+system CPU time so far (/proc/<pid>/stat, in clock ticks of 10 ms).
func (p *process) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after its closing parenthesis are fixed.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// metric returns the first sample of a metric in /metrics whose labels contain match.
func (p *process) metric(name, match string) (float64, error) {
	resp, err := http.Get(p.base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || (len(line) > len(name) && line[len(name)] != ' ' && line[len(name)] != '{') {
			continue
		}
		if match != "" && !strings.Contains(line, match) {
			continue
		}
		f := strings.Fields(line)
		return strconv.ParseFloat(f[len(f)-1], 64)
	}
	return 0, fmt.Errorf("no %s{%s} in /metrics", name, match)
}

// What Prometheus 3 sends: OpenMetrics preferred, and protobuf when native histograms are on.
const (
	acceptOpenMetrics = "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=underscores;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"
	acceptProtobuf    = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.3"
)

// client sends the scrapes: gzip is asked for explicitly and not undone, to measure the bytes on
// the wire as Prometheus receives them.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}, Timeout: time.Minute}

func (p *process) get(accept, encoding string) (int, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, p.base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", accept)
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("/metrics answered %s", resp.Status)
	}
	return int(n), err
}

func (p *process) bodySize(accept, encoding string) (int, error) { return p.get(accept, encoding) }

type scrapeResult struct {
	n             int
	size          int
	p50, p99, max time.Duration
}

func (s scrapeResult) String() string {
	return fmt.Sprintf("%d scrapes, p50 %s, p99 %s, max %s", s.n, s.p50.Round(time.Millisecond), s.p99.Round(time.Millisecond), s.max.Round(time.Millisecond))
}

// scrape runs o.scrapers scrapers in a loop for o.scrapeFor and returns the latency spread.
func (p *process) scrape(o options, accept string) (scrapeResult, error) {
	var mu sync.Mutex
	var took []time.Duration
	var size int
	var firstErr error
	var wg sync.WaitGroup
	end := time.Now().Add(o.scrapeFor)
	for range o.scrapers {
		wg.Go(func() {
			for time.Now().Before(end) {
				t0 := time.Now()
				n, err := p.get(accept, "gzip")
				d := time.Since(t0)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				took = append(took, d)
				size = n
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return scrapeResult{}, firstErr
	}
	slices.Sort(took)
	q := func(f float64) time.Duration { return took[min(len(took)-1, int(f*float64(len(took))))] }
	return scrapeResult{n: len(took), size: size, p50: q(0.5), p99: q(0.99), max: took[len(took)-1]}, nil
}
