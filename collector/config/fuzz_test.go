package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParse feeds the config loader any bytes. Whatever it gets, it returns a configuration or
// errors, never both and never neither, never panics; every error is a FieldError naming the
// file; an error stays short (values clipped); and a configuration it accepts is valid by
// Validate's rules, and loads again the same after being written back.
// The corpus is testdata/fuzz/FuzzParse, seeded from every config file of the repository
// (scripts/test.sh runs this briefly; go test runs the corpus).
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yml")
	seeds = append(seeds, "../../custops.example.yml", "../../deploy/custops/custops.yml")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return // the alias and size limits have their own tests; keep each run fast
		}
		cfg, err := Parse(data, "fuzz.yml")
		if (cfg == nil) == (err == nil) {
			t.Fatalf("Parse returned config %v and error %v", cfg != nil, err)
		}
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.File != "fuzz.yml" {
				t.Fatalf("error %T is not a FieldError naming the file: %v", err, err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if len(line) > maxShownPath+maxShownMessage+200 {
					t.Fatalf("an error line of %d bytes: %.200s", len(line), line)
				}
			}
			return
		}
		if err := cfg.Validate("fuzz.yml"); err != nil {
			t.Fatalf("Parse accepted what Validate refuses: %v", err)
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatalf("an accepted config does not marshal: %v", err)
		}
		again, err := Parse(out, "again.yml")
		if err != nil {
			t.Fatalf("an accepted config, written back, is refused: %v\n%s", err, out)
		}
		out2, err := yaml.Marshal(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("written back and loaded again, the config changed:\n%s\n---\n%s", out, out2)
		}
	})
}
