package alerts

import (
	"bytes"
	"maps"
	"slices"
	"testing"
)

// TestFiles checks the paths under deploy/ and that generation is deterministic, since a test
// elsewhere diffs the committed files against a fresh generation.
func TestFiles(t *testing.T) {
	first, err := Files(DefaultOptions())
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	got := slices.Sorted(maps.Keys(first))
	want := []string{"alertmanager/alertmanager.yml", "prometheus/rules/custops.rules.yml"}
	if !slices.Equal(got, want) {
		t.Fatalf("paths: got %v, want %v", got, want)
	}
	for i := 0; i < 5; i++ {
		again, err := Files(DefaultOptions())
		if err != nil {
			t.Fatalf("Files: %v", err)
		}
		for path, b := range first {
			if !bytes.Equal(again[path], b) {
				t.Errorf("%s: differs between two generations", path)
			}
			if !bytes.HasPrefix(b, []byte(generatedHeader)) {
				t.Errorf("%s: got no %q header", path, generatedHeader)
			}
		}
	}
	rules, _ := RuleFile(DefaultOptions())
	if !bytes.Equal(first[RuleFilePath], rules) {
		t.Errorf("%s: got something other than RuleFile", RuleFilePath)
	}
}
