package manifests

import "gopkg.in/yaml.v3"

// kv is one key of an ordered map.
type kv struct {
	Key   string
	Value any
}

// om is a YAML mapping that keeps its keys in the written order, so manifests read the way
// people write them (apiVersion, kind, metadata, spec) instead of alphabetically.
type om []kv

// MarshalYAML renders the mapping in order.
func (m om) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, e := range m {
		var v yaml.Node
		if err := v.Encode(e.Value); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: e.Key}, &v)
	}
	return n, nil
}

// list is a YAML sequence of anything.
type list []any
