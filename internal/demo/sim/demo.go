package sim

import _ "embed"

//go:embed demo.yml
var demoYAML []byte

// DemoConfig returns the demo's complete configuration: a jira-desk and a zendesk-desk sim
// source, the eight simulated customers with match rules for their tickets, and their tiers. The
// caller sets state_dir. Each call returns a fresh copy.
func DemoConfig() []byte { return append([]byte(nil), demoYAML...) }
