package main

import (
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/jira"
	"github.com/custops/custops/collector/source/zendesk"
)

// sourceFactories maps each config `type` to its constructor: the one place a source is registered.
func sourceFactories() map[string]source.Factory {
	return map[string]source.Factory{
		config.TypeJira:    jira.New,
		config.TypeZendesk: zendesk.New,
	}
}

// sourceProbers maps each config `type` to what `custops check --connect` asks its desk with, over
// the same client the source polls with.
func sourceProbers() map[string]source.Prober {
	return map[string]source.Prober{
		config.TypeJira:    jira.Probe,
		config.TypeZendesk: zendesk.Probe,
	}
}
