package yamlfile

import (
	"errors"
	"strings"
	"testing"
)

type unencodable struct{}

func (unencodable) MarshalYAML() (any, error) { return nil, errors.New("no YAML for this") }

func TestEncode(t *testing.T) {
	got, err := Encode("# head\n", map[string]any{"a": map[string]int{"b": 1}}, []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	want := "# head\na:\n  b: 1\n---\n- x\n"
	if string(got) != want {
		t.Errorf("Encode = %q, want %q", got, want)
	}
	if _, err := Encode("", "ok", unencodable{}); err == nil || !strings.Contains(err.Error(), "document 2") {
		t.Errorf("Encode of an unencodable value: err %v, want one naming document 2", err)
	}
}
