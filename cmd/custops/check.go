package main

import (
	"fmt"
	"io"

	"github.com/custops/custops/collector/config"
)

// runCheck is the --config.check of custops: it prints what the config means, or every error.
func runCheck(configFile string, stdout, stderr io.Writer) int {
	cfg, err := config.Load(configFile)
	if err != nil {
		fmt.Fprintf(stderr, "%s is invalid:\n%v\n", configFile, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s is valid.\n\n", configFile)
	if err := cfg.Describe(stdout); err != nil {
		fmt.Fprintf(stderr, "custops: %v\n", err)
		return 1
	}
	return 0
}
