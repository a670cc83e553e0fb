package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// knownRuleKinds is the help text listing every customer_from rule form.
const knownRuleKinds = "organization, project, label, reporter_domain, {field: <id>}, {label_prefix: <prefix>}"

// UnmarshalYAML reads a customer_from entry: a bare word (organization, project, label,
// reporter_domain) or a one-key mapping ({field: customfield_10050}, {label_prefix: customer-}).
func (r *MatchRule) UnmarshalYAML(node *yaml.Node) error {
	switch node.Kind {
	case yaml.ScalarNode:
		switch k := MatchRuleKind(node.Value); k {
		case MatchOrganization, MatchProject, MatchLabel, MatchReporterDomain:
			*r = MatchRule{Kind: k}
			return nil
		case MatchField:
			return fmt.Errorf("rule field needs the field id: {field: customfield_10050}")
		case MatchLabelPrefix:
			return fmt.Errorf("rule label_prefix needs the prefix: {label_prefix: customer-}")
		}
		return fmt.Errorf("unknown rule %q (known: %s)", node.Value, knownRuleKinds)
	case yaml.MappingNode:
		if len(node.Content) != 2 {
			return fmt.Errorf("a rule mapping has exactly one key, like {field: customfield_10050}")
		}
		key, val := node.Content[0].Value, node.Content[1]
		if val.Kind != yaml.ScalarNode || strings.TrimSpace(val.Value) == "" {
			return fmt.Errorf("rule %s needs a non-empty value", key)
		}
		switch MatchRuleKind(key) {
		case MatchField:
			*r = MatchRule{Kind: MatchField, Field: val.Value}
			return nil
		case MatchLabelPrefix:
			*r = MatchRule{Kind: MatchLabelPrefix, Prefix: val.Value}
			return nil
		}
		return fmt.Errorf("unknown rule %q (known: %s)", key, knownRuleKinds)
	}
	return fmt.Errorf("expected a rule (%s), got a %s", knownRuleKinds, kindName(node))
}

// MarshalYAML writes the rule in the form it is read in.
func (r MatchRule) MarshalYAML() (any, error) {
	switch r.Kind {
	case MatchField:
		return map[string]string{"field": r.Field}, nil
	case MatchLabelPrefix:
		return map[string]string{"label_prefix": r.Prefix}, nil
	}
	return string(r.Kind), nil
}

// String formats the rule as it is written in YAML: organization, {field: customfield_10050}.
func (r MatchRule) String() string {
	switch r.Kind {
	case MatchField:
		return "{field: " + r.Field + "}"
	case MatchLabelPrefix:
		return "{label_prefix: " + r.Prefix + "}"
	}
	return string(r.Kind)
}
