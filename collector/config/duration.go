package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// ParseDuration parses a Prometheus-style duration: 90s, 15m, 4h, 2d, 1w, 1h30m.
func ParseDuration(s string) (Duration, error) {
	d, err := model.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (want e.g. 90s, 15m, 4h, 2d, 1w)", s)
	}
	return Duration(d), nil
}

// UnmarshalYAML reads a duration written like 90s, 15m, 4h, 2d or 1w.
func (d *Duration) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a duration like 15m, got a %s", kindName(node))
	}
	v, err := ParseDuration(node.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML writes the duration in the same notation it is read in.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// String formats the duration like Prometheus does: 1d, 4h, 1h30m.
func (d Duration) String() string { return model.Duration(d).String() }

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// ParseThreshold parses an at-risk threshold: a percentage of the goal ("25%") or a duration
// ("30m").
func ParseThreshold(s string) (Threshold, error) {
	if pct, ok := strings.CutSuffix(strings.TrimSpace(s), "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if err != nil {
			return Threshold{}, fmt.Errorf("invalid percentage %q (want e.g. 25%%)", s)
		}
		return Threshold{Fraction: f / 100}, nil
	}
	d, err := model.ParseDuration(s)
	if err != nil {
		return Threshold{}, fmt.Errorf("invalid threshold %q (want a percentage of the goal like 25%% or a duration like 30m)", s)
	}
	return Threshold{Duration: time.Duration(d)}, nil
}

// UnmarshalYAML reads "25%" or a duration like "30m".
func (t *Threshold) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a percentage like 25%% or a duration like 30m, got a %s", kindName(node))
	}
	v, err := ParseThreshold(node.Value)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalYAML writes the threshold in the notation it is read in.
func (t Threshold) MarshalYAML() (any, error) { return t.String(), nil }

// String formats the threshold: "25%" or "30m".
func (t Threshold) String() string {
	if t.Duration > 0 {
		return model.Duration(t.Duration).String()
	}
	return strconv.FormatFloat(t.Fraction*100, 'f', -1, 64) + "%"
}

// kindName names a YAML node's kind for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return fmt.Sprintf("scalar %q", n.Value)
}
