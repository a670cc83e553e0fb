package main

import (
	"fmt"
	"io"

	"github.com/alecthomas/kingpin/v2"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/internal/generate"
)

// generateFlags are the flags of `custops generate`.
type generateFlags struct {
	out            string
	opts           generate.Options
	receivers      string
	pageWebhook    string
	warningWebhook string
}

// addGenerateFlags declares the generate command's flags on cmd.
func addGenerateFlags(cmd *kingpin.CmdClause) *generateFlags {
	g := &generateFlags{opts: generate.DefaultOptions()}
	o := &g.opts
	cmd.Flag("out", "Directory to write into.").Default("deploy").StringVar(&g.out)
	cmd.Flag("grafana.url", "Grafana's URL, for dashboard links in alerts.").Default(o.Alerts.GrafanaURL).StringVar(&o.Alerts.GrafanaURL)
	cmd.Flag("exporter.url", "The exporter's URL as a browser reaches it, for ticket-list, report and meeting-page links on the boards and in alerts.").Default(o.Dashboards.ExporterURL).StringVar(&o.Dashboards.ExporterURL)
	cmd.Flag("runbook.url", "The runbook's URL; alerts link to its sections.").Default(o.Alerts.RunbookURL).StringVar(&o.Alerts.RunbookURL)
	cmd.Flag("alertmanager.receivers", "YAML file of the page and warning receivers: PagerDuty, Slack, email and webhook integrations, each secret by file reference (see receivers.example.yml). Replaces the loopback placeholders.").PlaceHolder("FILE").StringVar(&g.receivers)
	cmd.Flag("alertmanager.page-webhook", "Webhook that receives pages (severity critical), added to the receivers file's. Default without a receivers file: a placeholder on loopback that reaches nobody ("+o.Alerts.PageWebhookURL+").").PlaceHolder("URL").StringVar(&g.pageWebhook)
	cmd.Flag("alertmanager.warning-webhook", "Webhook that receives warnings, added to the receivers file's. Default without a receivers file: a placeholder on loopback ("+o.Alerts.WarningWebhookURL+").").PlaceHolder("URL").StringVar(&g.warningWebhook)
	cmd.Flag("image", "custops image for compose and Kubernetes.").Default(o.Manifests.Image).StringVar(&o.Manifests.Image)
	return g
}

// options resolves the receivers: the file's integrations and the webhooks given; the loopback
// placeholders only when neither a file nor a webhook names a real receiver.
func (g *generateFlags) options() (generate.Options, error) {
	o := g.opts
	if g.receivers != "" {
		r, err := alerts.LoadReceivers(g.receivers)
		if err != nil {
			return o, err
		}
		o.Alerts.Receivers = r
		o.Alerts.PageWebhookURL, o.Alerts.WarningWebhookURL = "", ""
	}
	if g.pageWebhook != "" {
		o.Alerts.PageWebhookURL = g.pageWebhook
	}
	if g.warningWebhook != "" {
		o.Alerts.WarningWebhookURL = g.warningWebhook
	}
	return o, nil
}

// runGenerate writes every generated artifact under the output directory.
func runGenerate(g *generateFlags, stdout, stderr io.Writer) int {
	opts, err := g.options()
	if err != nil {
		fmt.Fprintf(stderr, "custops generate: %v\n", err)
		return 1
	}
	written, err := generate.Write(g.out, opts)
	if err != nil {
		fmt.Fprintf(stderr, "custops generate: %v\n", err)
		return 1
	}
	for _, p := range written {
		fmt.Fprintln(stdout, p)
	}
	return 0
}
