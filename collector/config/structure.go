package config

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	promconfig "github.com/prometheus/common/config"
	"gopkg.in/yaml.v3"
)

// The structural pass walks the YAML tree beside the Go types before anything is decoded. It
// exists because yaml.v3 forgets KnownFields inside custom UnmarshalYAML methods and stops at the
// first failing one; walking ourselves reports every unknown key and every malformed value, each
// with its field path, and prunes the bad entries so the rest can still be decoded and validated.

// inlineSecretKeys are keys people write when they mean to paste a token into the file.
var inlineSecretKeys = []string{"token", "password", "api_token", "api_key", "secret", "pat"}

var (
	authType             = reflect.TypeFor[Auth]()
	httpClientConfigType = reflect.TypeFor[promconfig.HTTPClientConfig]()
	proxyURLType         = reflect.TypeFor[promconfig.URL]()
	unmarshalerType      = reflect.TypeFor[yaml.Unmarshaler]()
	// The yaml.v2 form prometheus/common's types implement; yaml.v3 calls it too.
	obsoleteUnmarshalerType = reflect.TypeFor[interface{ UnmarshalYAML(func(any) error) error }]()
)

// refusedKeys are the http_client_config keys custops does not take, with the reason: the token
// comes from a source's auth only, and no secret sits in the config text.
var refusedKeys = map[reflect.Type]map[string]string{
	httpClientConfigType: {
		"basic_auth":           credentialsFromAuth,
		"authorization":        credentialsFromAuth,
		"oauth2":               credentialsFromAuth,
		"bearer_token":         credentialsFromAuth,
		"bearer_token_file":    credentialsFromAuth,
		"http_headers":         "is not supported: credentials come from auth (token_env or token_file)",
		"proxy_connect_header": "secrets are not allowed inline; " + proxyCredentials,
	},
	reflect.TypeFor[promconfig.TLSConfig](): {
		"key":      "secrets are not allowed inline; use key_file",
		"ca_ref":   noSecretManager,
		"cert_ref": noSecretManager,
		"key_ref":  noSecretManager,
	},
}

const (
	credentialsFromAuth = "credentials come from the source's auth (token_env or token_file), not from http_client_config"
	noSecretManager     = "is not supported (custops has no secret manager); use ca_file, cert_file and key_file"
	proxyCredentials    = "for a proxy that wants credentials set proxy_from_environment and give them in HTTPS_PROXY"
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
		u := reflect.New(t)
		if err := n.Decode(u.Interface()); err != nil {
			v.fail(path, n.Line, err.Error())
			return false
		}
		if t == proxyURLType && u.Interface().(*promconfig.URL).User != nil {
			v.fail(path, n.Line, "must not carry credentials (secrets are not allowed inline); "+proxyCredentials)
			return false
		}
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		if !v.expect(n, yaml.MappingNode, "a mapping", path) {
			return false
		}
		errs := len(v.errs)
		v.mapping(n, path, func(key *yaml.Node, val *yaml.Node, p string) bool {
			if msg, ok := refusedKeys[t][key.Value]; ok {
				v.fail(p, key.Line, msg)
				return false
			}
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
		if t == httpClientConfigType && len(v.errs) == errs {
			// Every key is known and well-formed: prometheus/common checks how they combine
			// (ca with ca_file, a client certificate without its key, proxy settings).
			var hc promconfig.HTTPClientConfig
			if err := n.Decode(&hc); err != nil {
				v.fail(path, n.Line, err.Error())
				return false
			}
		}
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

// isLeaf reports whether t decodes itself from one node (Duration, Threshold, MatchRule,
// prometheus/common's URL and Secret) rather than being a struct of yaml-tagged fields.
func isLeaf(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	if !pt.Implements(unmarshalerType) && !pt.Implements(obsoleteUnmarshalerType) {
		return false
	}
	return t.Kind() != reflect.Struct || len(tagNames(t)) == 0
}

// fieldByTag finds the struct field whose yaml tag is name, looking into inlined structs.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if inline(f) {
			if g, ok := fieldByTag(f.Type, name); ok {
				return g, true
			}
		} else if tagName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tagNames lists the yaml keys of a struct type, inlined structs' included.
func tagNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if inline(f) {
			names = append(names, tagNames(f.Type)...)
		} else if name := tagName(f); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// inline reports a `yaml:",inline"` struct field, whose keys are the parent's.
func inline(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return f.Type.Kind() == reflect.Struct && slices.Contains(strings.Split(opts, ","), "inline")
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
