package alerts

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"regexp"
	"slices"

	"gopkg.in/yaml.v3"
)

// Receivers are the integrations that get the pages (severity critical) and the warnings, read
// from the small receivers file of `custops generate --alertmanager.receivers` (see
// receivers.example.yml). Secrets are never in it: every credential is a path to a file that
// Alertmanager reads (its *_file fields), so the generated configuration can be committed.
type Receivers struct {
	Page    Integrations `yaml:"page"`
	Warning Integrations `yaml:"warning"`
	// Owners are receivers per owner (the customer's owner handle in the config or from its
	// organization's owner field): an owner's customers' alerts go to that owner only, pages and
	// warnings alike; the customers of an owner not listed here (or of none) go to page and
	// warning.
	Owners map[string]Integrations `yaml:"owners"`
	// Teams are receivers per team (the config's team ids) for the OLA alert of that team.
	Teams map[string]Integrations `yaml:"teams"`
}

// Integrations are one receiver's notification channels.
type Integrations struct {
	PagerDuty []PagerDuty `yaml:"pagerduty"`
	Slack     []Slack     `yaml:"slack"`
	Email     []Email     `yaml:"email"`
	Webhook   []Webhook   `yaml:"webhook"`
}

// PagerDuty is a PagerDuty Events API v2 integration.
type PagerDuty struct {
	RoutingKeyFile string `yaml:"routing_key_file"` // the integration key
}

// Slack is a Slack incoming webhook.
type Slack struct {
	APIURLFile string `yaml:"api_url_file"` // the webhook URL, itself the secret
	Channel    string `yaml:"channel"`      // optional: the webhook's own channel by default
}

// Email is a mail over an SMTP server.
type Email struct {
	To               string `yaml:"to"`
	From             string `yaml:"from"`
	Smarthost        string `yaml:"smarthost"` // host:port
	AuthUsername     string `yaml:"auth_username"`
	AuthPasswordFile string `yaml:"auth_password_file"`
}

// Webhook is Alertmanager's generic webhook. URL is for an endpoint whose address is no secret;
// URLFile for one that carries a token.
type Webhook struct {
	URL     string `yaml:"url"`
	URLFile string `yaml:"url_file"`
}

// empty reports whether the receiver has no integration: its alerts would reach nobody.
func (i Integrations) empty() bool {
	return len(i.PagerDuty)+len(i.Slack)+len(i.Email)+len(i.Webhook) == 0
}

// inlineSecrets are Alertmanager's inline credential fields, each with the *_file field to use.
var inlineSecrets = map[string]string{
	"routing_key":   "routing_key_file",
	"service_key":   "routing_key_file",
	"api_url":       "api_url_file",
	"auth_password": "auth_password_file",
	"auth_secret":   "auth_password_file",
}

// LoadReceivers reads a receivers file. Unknown keys, inline secrets and incomplete integrations
// are errors naming the file and line.
func LoadReceivers(path string) (Receivers, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Receivers{}, fmt.Errorf("reading receivers: %w", err)
	}
	return ParseReceivers(b, path)
}

// ParseReceivers decodes and checks receivers file data; name names it in errors.
func ParseReceivers(data []byte, name string) (Receivers, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Receivers{}, fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	walkKeys(&root, func(key *yaml.Node) {
		if file, ok := inlineSecrets[key.Value]; ok {
			errs = append(errs, fmt.Errorf("%s:%d: %s: secrets are not allowed inline; put it in a file and name it with %s", name, key.Line, key.Value, file))
		}
	})
	if len(errs) > 0 {
		return Receivers{}, errors.Join(errs...)
	}
	var r Receivers
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return Receivers{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := r.validate(); err != nil {
		return Receivers{}, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// walkKeys calls fn for every mapping key in the tree.
func walkKeys(n *yaml.Node, fn func(*yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(n.Content[i])
			walkKeys(n.Content[i+1], fn)
		}
		return
	}
	for _, c := range n.Content {
		walkKeys(c, fn)
	}
}

// handleRE and teamRE are what config accepts as an owner handle and a team id.
var (
	handleRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	teamRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// validate checks each integration has what Alertmanager needs to load and deliver. An empty
// receiver is allowed here: Options.validate refuses it once the webhook flags are added.
func (r Receivers) validate() error {
	var errs []error
	type named struct {
		name string
		in   Integrations
	}
	all := []named{{"page", r.Page}, {"warning", r.Warning}}
	for _, owner := range slices.Sorted(maps.Keys(r.Owners)) {
		if !handleRE.MatchString(owner) {
			errs = append(errs, fmt.Errorf("owners.%s: want an owner handle as the config writes it (lowercase letters, digits, _, . and -)", owner))
		}
		if r.Owners[owner].empty() {
			errs = append(errs, fmt.Errorf("owners.%s: no integration: the owner's alerts would reach nobody", owner))
		}
		all = append(all, named{"owners." + owner, r.Owners[owner]})
	}
	for _, team := range slices.Sorted(maps.Keys(r.Teams)) {
		if !teamRE.MatchString(team) {
			errs = append(errs, fmt.Errorf("teams.%s: want a team id as the config writes it (lowercase letters, digits, _ and -)", team))
		}
		if r.Teams[team].empty() {
			errs = append(errs, fmt.Errorf("teams.%s: no integration: the team's OLA alerts would reach nobody", team))
		}
		all = append(all, named{"teams." + team, r.Teams[team]})
	}
	for _, rc := range all {
		for i, p := range rc.in.PagerDuty {
			if p.RoutingKeyFile == "" {
				errs = append(errs, fmt.Errorf("%s.pagerduty[%d]: routing_key_file is required", rc.name, i))
			}
		}
		for i, s := range rc.in.Slack {
			if s.APIURLFile == "" {
				errs = append(errs, fmt.Errorf("%s.slack[%d]: api_url_file is required", rc.name, i))
			}
		}
		for i, e := range rc.in.Email {
			p := fmt.Sprintf("%s.email[%d]", rc.name, i)
			if e.To == "" || e.From == "" || e.Smarthost == "" {
				errs = append(errs, fmt.Errorf("%s: to, from and smarthost are required", p))
			} else if _, _, err := net.SplitHostPort(e.Smarthost); err != nil {
				errs = append(errs, fmt.Errorf("%s: smarthost %q: want host:port", p, e.Smarthost))
			}
			if e.AuthPasswordFile != "" && e.AuthUsername == "" {
				errs = append(errs, fmt.Errorf("%s: auth_password_file needs auth_username", p))
			}
		}
		for i, w := range rc.in.Webhook {
			p := fmt.Sprintf("%s.webhook[%d]", rc.name, i)
			switch {
			case (w.URL == "") == (w.URLFile == ""):
				errs = append(errs, fmt.Errorf("%s: set one of url and url_file", p))
			case w.URL != "":
				if err := checkURL(w.URL); err != nil {
					errs = append(errs, fmt.Errorf("%s: url %q: %w", p, w.URL, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}
