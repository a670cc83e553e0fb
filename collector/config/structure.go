package config

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The structural pass walks the YAML tree beside the Go types before anything is decoded. It
// exists because yaml.v3 forgets KnownFields inside custom UnmarshalYAML methods and stops at the
// first failing one; walking ourselves reports every unknown key and every malformed value, each
// with its field path, and prunes the bad entries so the rest can still be decoded and validated.

// inlineSecretKeys are keys people write when they mean to paste a token into the file.
var inlineSecretKeys = []string{"token", "password", "api_token", "api_key", "secret", "pat"}

var (
	authType        = reflect.TypeFor[Auth]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
)

// structure checks n against type t at path. It reports problems to v and returns false when the
// node must be dropped before decoding.
func (v *validator) structure(n *yaml.Node, t reflect.Type, path string) bool {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return true // an empty value keeps the default
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isLeaf(t) {
		u := reflect.New(t).Interface().(yaml.Unmarshaler)
		if err := u.UnmarshalYAML(n); err != nil {
			v.fail(path, n.Line, err.Error())
			return false
		}
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		if !v.expect(n, yaml.MappingNode, "a mapping", path) {
			return false
		}
		v.mapping(n, path, func(key *yaml.Node, val *yaml.Node, p string) bool {
			f, ok := fieldByTag(t, key.Value)
			if !ok {
				switch {
				case t == authType && slices.Contains(inlineSecretKeys, key.Value):
					v.fail(p, key.Line, "secrets are not allowed inline; use token_env or token_file")
				default:
					v.fail(p, key.Line, "unknown key"+suggest(key.Value, tagNames(t)))
				}
				return false
			}
			return v.structure(val, f.Type, p)
		})
	case reflect.Map:
		if !v.expect(n, yaml.MappingNode, "a mapping", path) {
			return false
		}
		v.mapping(n, path, func(_ *yaml.Node, val *yaml.Node, p string) bool {
			return v.structure(val, t.Elem(), p)
		})
	case reflect.Slice:
		if !v.expect(n, yaml.SequenceNode, "a list", path) {
			return false
		}
		for i, item := range n.Content {
			if !v.structure(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)) {
				// Keep the indexes of the later items: the bad one becomes empty.
				n.Content[i] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: item.Line, Column: item.Column}
			}
		}
	case reflect.String:
		return v.expect(n, yaml.ScalarNode, "a string", path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.scalar(n, t, path, "an integer")
	case reflect.Float32, reflect.Float64:
		return v.scalar(n, t, path, "a number")
	case reflect.Bool:
		return v.scalar(n, t, path, "true or false")
	}
	return true
}

// mapping walks the entries of a mapping node, reporting duplicate keys and dropping every entry
// that check rejects.
func (v *validator) mapping(n *yaml.Node, path string, check func(key, val *yaml.Node, p string) bool) {
	seen := map[string]int{}
	kept := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if key.Value == "<<" { // a YAML merge key: yaml.v3 expands it while decoding
			kept = append(kept, key, val)
			continue
		}
		p := joinPath(path, key.Value)
		if first, dup := seen[key.Value]; dup {
			v.fail(p, key.Line, fmt.Sprintf("duplicate key (first at line %d)", first))
			continue
		}
		seen[key.Value] = key.Line
		if check(key, val, p) {
			kept = append(kept, key, val)
		}
	}
	n.Content = kept
}

// expect reports a node of the wrong kind.
func (v *validator) expect(n *yaml.Node, kind yaml.Kind, want, path string) bool {
	if n.Kind == kind {
		return true
	}
	v.fail(path, n.Line, fmt.Sprintf("expected %s, got a %s", want, kindName(n)))
	return false
}

// scalar checks that a scalar decodes into the basic type t.
func (v *validator) scalar(n *yaml.Node, t reflect.Type, path, want string) bool {
	if n.Kind == yaml.ScalarNode && n.Decode(reflect.New(t).Interface()) == nil {
		return true
	}
	v.fail(path, n.Line, fmt.Sprintf("expected %s, got a %s", want, kindName(n)))
	return false
}

// isLeaf reports whether t decodes itself from one node (Duration, Threshold, MatchRule) rather
// than being a struct of yaml-tagged fields.
func isLeaf(t reflect.Type) bool {
	if !reflect.PointerTo(t).Implements(unmarshalerType) {
		return false
	}
	return t.Kind() != reflect.Struct || len(tagNames(t)) == 0
}

// fieldByTag finds the struct field whose yaml tag is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tagName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tagNames lists the yaml keys of a struct type.
func tagNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if name := tagName(t.Field(i)); name != "" {
			names = append(names, name)
		}
	}
	return names
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// suggest returns " (did you mean x?)" for the closest known key within two edits, or "".
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// editDistance is the Levenshtein distance between two short ASCII keys.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// joinPath appends a mapping key to a field path.
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a field path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
