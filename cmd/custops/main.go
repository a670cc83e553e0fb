// Command custops polls Jira Service Management and Zendesk and exposes per-customer SLA, backlog,
// quality and risk metrics to Prometheus; it also generates the dashboards, rules and deploy files.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/custops/custops/internal/demo/sim"
	"github.com/custops/custops/links"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// webConfigFromEnv lets CUSTOPS_WEB_CONFIG_FILE give --web.config.file, which the healthcheck
// reads too: one setting in a container makes the exporter and its probes agree.
func webConfigFromEnv(cmd *kingpin.CmdClause) {
	if f := cmd.GetFlag("web.config.file"); f != nil {
		f.Envar(envWebConfig)
	}
}

// run parses args and runs one subcommand; it returns the exit code so deferred cleanup runs.
func run(args []string, stdout, stderr io.Writer) int {
	stampVersion()
	app := kingpin.New("custops", "Per-customer SLA, backlog, quality and risk metrics from Jira Service Management and Zendesk.")
	app.Version(version.Print("custops"))
	app.HelpFlag.Short('h')
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	terminated := -1 // --help and --version end the program without running a command
	app.Terminate(func(code int) { terminated = code })
	logConfig := &promslog.Config{}
	promslogflag.AddFlags(app, logConfig)

	serveCmd := app.Command("serve", "Run the exporter on a config file.").Default()
	serveConfig := serveCmd.Flag("config.file", "custops configuration file.").Default("custops.yml").String()
	serveWeb := kingpinflag.AddFlags(serveCmd, links.DefaultListenAddress)
	webConfigFromEnv(serveCmd)
	serveMemLimit := serveCmd.Flag("runtime.gomemlimit", "Soft memory limit of the Go runtime, e.g. 460MiB; auto: the container's (cgroup) memory limit times --runtime.gomemlimit-ratio. The GOMEMLIMIT environment variable wins over both.").Default(memLimitAuto).String()
	serveMemRatio := serveCmd.Flag("runtime.gomemlimit-ratio", "Share of the container's memory limit the Go runtime may use with --runtime.gomemlimit=auto.").Default("0.9").Float64()
	serveLifecycle := serveCmd.Flag("web.enable-lifecycle", "Enable reloading the config over HTTP (PUT /-/reload, or POST with a JSON body); SIGHUP reloads either way.").Default("false").Bool()

	checkCmd := app.Command("check", "Validate a config file, print what it understood or every error, exit non-zero on errors; with --connect, reach each desk too. Writes nothing. Exit codes: CONFIGURATION.md.")
	checkConfig := checkCmd.Flag("config.file", "custops configuration file.").Default("custops.yml").String()
	checkConnect := checkCmd.Flag("connect", "Also reach each desk with a few cheap calls and say what it found: version, issue count, fields, plan, organizations that match no customer.").Bool()
	checkTimeout := checkCmd.Flag("connect.timeout", "How long --connect may take in all.").Default("2m").Duration()

	customersCmd := app.Command("customers", "Customer records.")
	discoverCmd := customersCmd.Command("discover", "Read the desks' organizations (JSM organizations, Zendesk organizations, Jira projects when a customer_from rule reads them), group them into customers across desks by name and email domain, and print the customers YAML to merge into the config; never writes the config.")
	discoverConfig := discoverCmd.Flag("config.file", "custops configuration file (its sources are asked).").Default("custops.yml").String()
	discoverTimeout := discoverCmd.Flag("timeout", "How long discovering may take in all.").Default("2m").Duration()

	generateCmd := app.Command("generate", "Write the Grafana dashboards, Prometheus rules, Alertmanager config and deploy files.")
	gen := addGenerateFlags(generateCmd)

	demoCmd := app.Command("demo", "Run the exporter on built-in simulated Jira and Zendesk desks.")
	demoArgs := demoFlags{Web: kingpinflag.AddFlags(demoCmd, links.DefaultListenAddress)}
	webConfigFromEnv(demoCmd)
	demo := &demoArgs.Demo
	demoCmd.Flag("demo.speed", "Simulated seconds per real second: 60 makes a demo hour pass in a minute; 0 freezes the clock (with --demo.direct). Alerts that compare timestamps with time() need 1.").Default("1").Float64Var(&demoArgs.Speed)
	demoStart := demoCmd.Flag("demo.start", "Simulated instant the demo starts at, RFC 3339; default now. With --demo.speed=0 the output is reproducible.").Default("").String()
	demoCmd.Flag("demo.scenario", "Simulated scenario: default, or breach-soon (one customer breaches within minutes, another stays healthy).").Default(sim.ScenarioDefault).EnumVar(&demo.Scenario, sim.ScenarioDefault, sim.ScenarioBreachSoon)
	demoCmd.Flag("demo.seed", "Random seed of the simulated desks; the same seed replays the same tickets.").Default("1").Int64Var(&demo.Seed)
	demoCmd.Flag("demo.state-dir", "Where the demo keeps its store; a fresh temporary directory when empty.").Default("").StringVar(&demo.StateDir)
	demoCmd.Flag("demo.direct", "Poll the simulator in process instead of over the Jira and Zendesk wire formats on loopback.").BoolVar(&demo.Direct)
	demoCmd.Flag("demo.poll-interval", "How often the demo polls its simulated desks.").Default("15s").DurationVar(&demo.PollInterval)

	reportCmd := app.Command("report", "Write weekly customer reports as printable HTML pages (and A4 PDFs), from the store in state_dir or from a running exporter, without polling any source.")
	reportFlags := addReportFlags(reportCmd)

	healthCmd := app.Command("healthcheck", "Exit 0 when a custops endpoint answers 200, over TLS and basic auth when the exporter's web config asks for them: the container HEALTHCHECK and the Kubernetes probes, since the image has no shell or curl.")
	health := addHealthcheckFlags(healthCmd, "http://127.0.0.1"+links.DefaultListenAddress+"/-/healthy")

	cmd, err := app.Parse(args)
	if terminated >= 0 {
		return terminated
	}
	if err != nil {
		fmt.Fprintf(stderr, "custops: %v\n", err)
		return 2
	}
	logger := promslog.New(logConfig)

	switch cmd {
	case checkCmd.FullCommand():
		return runCheck(checkOptions{file: *checkConfig, connect: *checkConnect, timeout: *checkTimeout, probers: sourceProbers()}, stdout, stderr)
	case generateCmd.FullCommand():
		return runGenerate(gen, stdout, stderr)
	case discoverCmd.FullCommand():
		return runDiscover(discoverOptions{file: *discoverConfig, timeout: *discoverTimeout, probers: sourceProbers()}, stdout, stderr)
	case reportCmd.FullCommand():
		return runReport(reportFlags, stdout, stderr)
	case healthCmd.FullCommand():
		return health.run(stderr)
	case demoCmd.FullCommand():
		if *demoStart != "" {
			if demo.Start, err = time.Parse(time.RFC3339, *demoStart); err != nil {
				fmt.Fprintf(stderr, "custops: --demo.start: %v\n", err)
				return 2
			}
		}
		return runDemo(demoArgs, logger, stdout)
	default:
		if err := setMemoryLimit(*serveMemLimit, *serveMemRatio, logger); err != nil {
			fmt.Fprintf(stderr, "custops: %v\n", err)
			return 2
		}
		return runServe(*serveConfig, serveWeb, *serveLifecycle, logger)
	}
}
