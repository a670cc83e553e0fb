package main

import (
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/sim"
)

// sourceFactories maps each config `type` to its constructor: the one place a source is registered.
func sourceFactories() map[string]source.Factory {
	return map[string]source.Factory{
		"sim": sim.New,
	}
}
