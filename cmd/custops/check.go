package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/custops/custops/collector/config"
)

// Exit codes of `custops check`, for scripts (CONFIGURATION.md, "Checking a config"). Each
// names the first stage that failed: a later stage runs only when the earlier ones passed.
const (
	exitOK          = 0 // valid, every token present
	exitInvalid     = 1 // the file cannot be read or is invalid (every error with file:line)
	exitUsage       = 2 // a flag or command is wrong (kingpin)
	exitCredentials = 3 // valid, but a token is missing or unreadable
)

// runCheck is the --config.check of custops: it prints what the config means, or every error;
// then whether every token is there. It writes nothing.
func runCheck(configFile string, stdout, stderr io.Writer) int {
	cfg, err := config.Load(configFile)
	if err != nil {
		fmt.Fprintf(stderr, "%s is invalid:\n%v\n", configFile, err)
		return exitInvalid
	}
	fmt.Fprintf(stdout, "%s is valid.\n\n", configFile)
	if err := cfg.Describe(stdout); err != nil {
		fmt.Fprintf(stderr, "custops: %v\n", err)
		return exitInvalid
	}
	if err := cfg.CheckCredentials(); err != nil {
		var errs config.Errors
		n := 1
		if errors.As(err, &errs) {
			n = len(errs)
		}
		fmt.Fprintf(stderr, "\n%s: %d token(s) missing or unreadable; the sources cannot start:\n%v\n", configFile, n, err)
		return exitCredentials
	}
	return exitOK
}
