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
