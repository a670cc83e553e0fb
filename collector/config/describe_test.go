package config

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestDescribe compares what `custops check` prints for the example with a golden file;
// go test -run TestDescribe -update rewrites it.
func TestDescribe(t *testing.T) {
	cfg, err := Load("../../custops.example.yml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cfg.Describe(&buf); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/describe-example.txt"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != string(want) {
		t.Errorf("Describe() differs from %s (run with -update after checking)\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}
