package main

import (
	"fmt"
	"io"

	"github.com/custops/custops/internal/generate"
)

// runGenerate writes every generated artifact under out.
func runGenerate(out string, opts generate.Options, stdout, stderr io.Writer) int {
	written, err := generate.Write(out, opts)
	if err != nil {
		fmt.Fprintf(stderr, "custops generate: %v\n", err)
		return 1
	}
	for _, p := range written {
		fmt.Fprintln(stdout, p)
	}
	return 0
}
