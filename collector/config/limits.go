package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits on what a configuration file may be and say. Each keeps a mistake (or a hostile file)
// from costing memory, time or the vendors' rate limits, and is reported like any other mistake,
// with the file and line.
const (
	// MaxFileBytes caps the configuration file. 100,000 customers written one a line take about
	// 8 MB; yaml.v3 holds about ten times the text in nodes while decoding.
	MaxFileBytes = 16 << 20
	// MaxAliasNodes caps the nodes YAML aliases add to a file: every alias is expanded where it
	// is used (pass 1 walks it, yaml.v3 decodes it again), so n aliases of an anchor of m nodes
	// cost n*m. A million is about a second of parsing.
	MaxAliasNodes = 1_000_000
)

// Bounds of the intervals a file may set. Below them a poll would run into the vendors' rate
// limits (Zendesk allows 10 incremental exports a minute); above them a source would look dead
// for days, and the poller's arithmetic on them (backoff = 5 intervals) stays far from overflow.
// The timeout is the only bound on a vendor that accepts a request and never answers.
// Configurations built in Go (the demo polls its loopback desks every second) are not held to
// them.
var (
	PollIntervalBounds      = [2]time.Duration{10 * time.Second, 24 * time.Hour}
	ReconcileIntervalBounds = [2]time.Duration{10 * time.Second, 24 * time.Hour}
	TimeoutBounds           = [2]time.Duration{time.Second, 5 * time.Minute}
)

// readFile reads a configuration file of at most MaxFileBytes: a larger one (or a device that
// never ends) is refused, naming the file.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, &FieldError{File: path, Msg: fmt.Sprintf("configuration is larger than %d MiB", MaxFileBytes>>20)}
	}
	return data, nil
}

// decodeTree parses the first YAML document of data into root and refuses what follows it: a
// second document (yaml.v3 would ignore it silently) and an alias fan-out beyond MaxAliasNodes.
// Empty data leaves root empty.
func decodeTree(data []byte, filename string, root *yaml.Node) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return syntaxError(filename, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return syntaxError(filename, err)
	case len(next.Content) > 0 && next.Content[0].ShortTag() != "!!null":
		return &FieldError{File: filename, Line: next.Content[0].Line,
			Msg: "a second YAML document (after ---): custops reads one; merge them or remove the ---"}
	}
	return checkAliases(root, filename)
}

// checkAliases refuses a tree whose aliases add more than MaxAliasNodes nodes. It counts in time
// linear in the written nodes: each anchor's expanded size is computed once.
func checkAliases(root *yaml.Node, filename string) error {
	sizes := map[*yaml.Node]int64{}
	var size func(n *yaml.Node) int64 // n's nodes with its aliases expanded, saturating
	size = func(n *yaml.Node) int64 {
		if s, ok := sizes[n]; ok {
			return s
		}
		sizes[n] = 1 // an alias of an enclosing anchor (yaml.v3 refuses those) counts once
		s := int64(1)
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			s = size(n.Alias)
		}
		for _, c := range n.Content {
			s = min(s+size(c), math.MaxInt64/2)
		}
		sizes[n] = s
		return s
	}
	var added int64
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			if added = min(added+size(n.Alias), math.MaxInt64/2); added > MaxAliasNodes {
				return &FieldError{File: filename, Line: n.Line, Msg: fmt.Sprintf(
					"YAML aliases expand the file by more than %d nodes (this alias repeats the %d nodes of the anchor at line %d): write the values out or use fewer aliases",
					MaxAliasNodes, size(n.Alias), n.Alias.Line)}
			}
			return nil
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}

// limits checks the bounds a file is held to beyond what Validate checks. A value Validate
// already refused (zero, negative) is not reported again.
func (v *validator) limits(c *Config) {
	v.within("poll_interval", c.PollInterval, PollIntervalBounds)
	v.within("reconcile_interval", c.ReconcileInterval, ReconcileIntervalBounds)
	for i, s := range c.Sources {
		p := index("sources", i)
		v.within(p+".poll_interval", s.PollInterval, PollIntervalBounds)
		v.within(p+".timeout", s.Timeout, TimeoutBounds)
	}
}

func (v *validator) within(path string, d Duration, bounds [2]time.Duration) {
	if d > 0 && (d.Std() < bounds[0] || d.Std() > bounds[1]) {
		v.errf(path, "must be between %s and %s, got %s", Duration(bounds[0]), Duration(bounds[1]), d)
	}
}

// What an error shows of the file's text: a value quoted in a message at most maxShownValue
// bytes of it, a field path at most maxShownPath, a whole message at most maxShownMessage. A bad
// value can be megabytes (or a pasted secret); the line number says where the rest is.
const (
	maxShownValue   = 64
	maxShownPath    = 200
	maxShownMessage = 1000
)

// clipQuoted shortens every Go-quoted string in msg (the %q of a value) longer than
// maxShownValue, and then msg itself to limit bytes.
func clipQuoted(msg string, limit int) string {
	var b strings.Builder
	for rest := msg; rest != ""; {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			b.WriteByte('"')
			rest = rest[1:]
			continue
		}
		rest = rest[len(q):]
		if s, err := strconv.Unquote(q); err == nil && len(s) > maxShownValue {
			q = strconv.Quote(cut(s, maxShownValue)) + fmt.Sprintf("... (%d bytes)", len(s))
		}
		b.WriteString(q)
	}
	if out := b.String(); len(out) > limit {
		return cut(out, limit) + "... (clipped)"
	}
	return b.String()
}

// cut returns at most n bytes of s, never splitting a UTF-8 sequence.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
