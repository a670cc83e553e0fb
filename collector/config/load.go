package config

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads, decodes, defaults and validates the configuration file at path. Every problem found
// is returned at once as Errors, each naming the file, line and field.
func Load(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// yamlLine finds the line yaml.v3 puts in its syntax errors: "yaml: line 3: ...".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse decodes, defaults and validates configuration data; filename names it in errors and
// anchors a relative token_file.
func Parse(data []byte, filename string) (*Config, error) {
	var root yaml.Node
	if err := decodeTree(data, filename, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 || root.Content[0].ShortTag() == "!!null" {
		return nil, &FieldError{File: filename, Msg: "configuration is empty"}
	}
	doc := root.Content[0]
	v := &validator{file: filename, lines: lineIndex(doc)}
	if doc.Kind != yaml.MappingNode {
		return nil, &FieldError{File: filename, Line: doc.Line, Msg: "expected a mapping of configuration keys, got a " + kindName(doc)}
	}

	// Pass 1: shape. Bad entries are reported and pruned from the tree.
	v.structure(doc, reflect.TypeFor[Config](), "")

	// Pass 2: decode, applying defaults. A clean file goes through the strict decoder; a file with
	// shape errors decodes from the pruned tree so its other mistakes are reported too.
	cfg := &Config{}
	if len(v.errs) == 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil {
			return nil, syntaxError(filename, err)
		}
	} else if err := root.Decode(cfg); err != nil {
		// The pruned tree should always decode; if not, the shape errors already explain why.
		return nil, v.result()
	}

	// Pass 3: meaning. Fields that failed pass 1 are skipped so a mistake is reported once.
	v.config(cfg)
	v.limits(cfg)
	if err := v.result(); err != nil {
		return nil, err
	}
	cfg.resolvePaths(filepath.Dir(filename))
	cfg.index()
	cfg.origin = origin{file: filename, lines: v.lines}
	cfg.DeriveSources()
	return cfg, nil
}

// syntaxError turns a yaml.v3 error into "file:line: message".
func syntaxError(filename string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New("yaml: " + te.Errors[0])
	}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &FieldError{File: filename, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &FieldError{File: filename, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

// resolvePaths anchors relative token and TLS files (and the report's logo) at the configuration file's directory, like
// Prometheus does, so the exporter finds them whatever its working directory.
func (c *Config) resolvePaths(dir string) {
	for i := range c.Sources {
		if f := c.Sources[i].Auth.TokenFile; f != "" && !filepath.IsAbs(f) {
			c.Sources[i].Auth.TokenFile = filepath.Join(dir, f)
		}
		c.Sources[i].HTTPClientConfig.SetDirectory(dir)
	}
	if f := c.Report.LogoFile; f != "" && !filepath.IsAbs(f) {
		c.Report.LogoFile = filepath.Join(dir, f)
	}
}

// lineIndex maps every field path in the tree to the line it starts on, so the semantic checks,
// which work on decoded values, can still point at the line.
func lineIndex(doc *yaml.Node) map[string]int {
	lines := map[string]int{"": doc.Line}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := joinPath(path, n.Content[i].Value)
				if _, ok := lines[p]; !ok {
					lines[p] = n.Content[i].Line
				}
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				p := index(path, i)
				lines[p] = item.Line
				walk(item, p)
			}
		}
	}
	walk(doc, "")
	return lines
}
