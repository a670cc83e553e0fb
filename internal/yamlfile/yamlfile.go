// Package yamlfile writes the generated YAML files (rules, Alertmanager config, Grafana
// provisioning, compose and Kubernetes manifests) one way: a header comment, then each document
// with a 2-space indent, separated by "---".
package yamlfile

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Encode returns header followed by docs as YAML documents.
func Encode(header string, docs ...any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(header)
	for i, d := range docs {
		if i > 0 {
			buf.WriteString("---\n")
		}
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("encoding YAML document %d: %w", i+1, err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("encoding YAML document %d: %w", i+1, err)
		}
	}
	return buf.Bytes(), nil
}
