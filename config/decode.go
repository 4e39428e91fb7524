package config

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// loader walks the YAML tree of one file, collecting a Config and every
// problem found on the way. Problems never stop the walk: the user gets
// them all in one run of `attache check`.
type loader struct {
	file    string
	dir     string
	data    []byte
	src     *source // built on first need
	scalars map[*yaml.Node]func(int) (int, int)
	getenv  func(string) (string, bool)
	errs    []Error
	warns   []Warning
	secrets []string // values of secret fields, redacted from every message
	cfg     *Config
	refs    references
}

// field is one key of a mapping and its value.
type field struct{ key, val *yaml.Node }

// deref follows aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// kindName describes a node for "want X, got Y" messages.
func kindName(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil || isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!int" || n.Tag == "!!float":
		return "a number"
	case n.Tag == "!!bool":
		return "true/false"
	}
	return "a string"
}

// errorAt records a problem at the start of node n.
func (l *loader) errorAt(n *yaml.Node, path, format string, args ...any) {
	line, col := 1, 1
	if n = deref(n); n != nil && n.Line > 0 {
		line, col = n.Line, max(n.Column, 1)
	}
	l.errorPos(line, col, path, fmt.Sprintf(format, args...))
}

func (l *loader) errorPos(line, col int, path, msg string) {
	if path != "" {
		msg = path + ": " + msg
	}
	l.errs = append(l.errs, Error{File: l.file, Line: line, Col: col, Msg: msg})
}

// warnAt records a warning at the start of node n.
func (l *loader) warnAt(n *yaml.Node, path, format string, args ...any) {
	line, col := 1, 1
	if n = deref(n); n != nil && n.Line > 0 {
		line, col = n.Line, max(n.Column, 1)
	}
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	l.warns = append(l.warns, Warning{File: l.file, Line: line, Col: col, Msg: msg})
}

// posIn returns the position of a byte offset into scalar n's value as
// written in the file.
func (l *loader) posIn(n *yaml.Node, off int) (int, int) {
	n = deref(n)
	if l.src == nil {
		l.src = newSource(l.data)
		l.scalars = map[*yaml.Node]func(int) (int, int){}
	}
	pos, ok := l.scalars[n]
	if !ok {
		pos = l.src.scalarPos(n)
		l.scalars[n] = pos
	}
	return pos(off)
}

// mapping checks that n is a mapping with only known, distinct keys and
// returns its fields. A null node is an empty mapping; anything else that
// is not a mapping is reported and gives nil.
func (l *loader) mapping(path string, n *yaml.Node, known []string) map[string]field {
	n = deref(n)
	if isNull(n) {
		return map[string]field{}
	}
	if n.Kind != yaml.MappingNode {
		if known == nil {
			l.errorAt(n, path, "want a mapping of names, got %s", kindName(n))
		} else {
			l.errorAt(n, path, "want a mapping with keys such as %s, got %s", strings.Join(known, ", "), kindName(n))
		}
		return nil
	}
	out := map[string]field{}
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			l.errorAt(k, path, "a key must be a plain name, got %s", kindName(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			l.errorAt(k, path, "key %q appears twice (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		if known != nil && !slices.Contains(known, k.Value) {
			msg := fmt.Sprintf("unknown key %q", k.Value)
			if s := suggest(k.Value, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			l.errorAt(k, path, "%s: known keys are %s", msg, strings.Join(known, ", "))
			continue
		}
		out[k.Value] = field{key: k, val: v}
	}
	for _, src := range l.merged(path, merges) {
		for i := 0; i+1 < len(src.Content); i += 2 {
			k := deref(src.Content[i])
			if _, set := seen[k.Value]; set || k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				continue // the mapping's own keys, and earlier merges, win
			}
			seen[k.Value] = k
			if known != nil && !slices.Contains(known, k.Value) {
				l.errorAt(k, path, "unknown key %q merged in with <<: known keys are %s", k.Value, strings.Join(known, ", "))
				continue
			}
			out[k.Value] = field{key: k, val: src.Content[i+1]}
		}
	}
	return out
}

// merged returns the mappings that YAML merge keys (<<: *common, or
// <<: [*a, *b]) bring into a mapping, in order of precedence.
func (l *loader) merged(path string, merges []*yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for _, m := range merges {
		m = deref(m)
		items := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			items = m.Content
		}
		for _, it := range items {
			if it = deref(it); it.Kind != yaml.MappingNode {
				l.errorAt(it, path, "<< merges a mapping, such as an alias *common, got %s", kindName(it))
				continue
			}
			out = append(out, it)
		}
	}
	return out
}

// text reads a scalar with ${VAR} expanded. It reports a node of another
// kind and any problem with a reference, and then returns false.
func (l *loader) text(path string, n *yaml.Node) (expansion, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		l.errorAt(n, path, "want a string, got %s", kindName(n))
		return expansion{}, false
	}
	x, errs := expand(n.Value, l.getenv)
	// Values from the environment are never shown, whatever field they
	// land in: a token pasted into the wrong key stays secret.
	l.secrets = append(l.secrets, x.vars...)
	for _, e := range errs {
		line, col := l.posIn(n, e.off)
		l.errorPos(line, col, path, e.msg)
	}
	return x, len(errs) == 0
}

// str reads an optional string field: false when it is absent, null, or
// broken (and then reported).
func (l *loader) str(path string, m map[string]field, key string) (string, *yaml.Node, bool) {
	f, ok := m[key]
	if !ok || isNull(f.val) {
		return "", nil, false
	}
	x, ok := l.text(join(path, key), f.val)
	return x.value, f.val, ok
}

// boolean reads an optional true/false field into *dst, which keeps its
// default when the key is absent. ${VAR} may give the value.
func (l *loader) boolean(path string, m map[string]field, key string, dst *bool) {
	f, ok := m[key]
	if !ok || isNull(f.val) {
		return
	}
	p := join(path, key)
	if n := deref(f.val); n == nil || n.Kind != yaml.ScalarNode {
		l.errorAt(f.val, p, "want true or false, got %s", kindName(f.val))
		return
	}
	x, ok := l.text(p, f.val)
	if !ok {
		return
	}
	switch strings.ToLower(strings.TrimSpace(x.value)) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		l.errorAt(f.val, p, "want true or false, got %q", x.value)
	}
}

// required reads a string field that must be present, reporting its
// absence at the mapping node n.
func (l *loader) required(path string, n *yaml.Node, m map[string]field, key string) (string, *yaml.Node, bool) {
	f, ok := m[key]
	if !ok {
		l.errorAt(n, path, "missing required key %q", key)
		return "", nil, false
	}
	if isNull(f.val) {
		l.errorAt(f.key, join(path, key), "must not be empty")
		return "", nil, false
	}
	return l.str(path, m, key)
}

// list reads a list of strings; a null node is an empty list. It returns
// the values that could be read and their nodes.
func (l *loader) list(path string, n *yaml.Node) ([]string, []*yaml.Node) {
	n = deref(n)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorAt(n, path, "want a list of strings, such as [a, b], got %s", kindName(n))
		return nil, nil
	}
	var vals []string
	var nodes []*yaml.Node
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		x, ok := l.text(p, item)
		if !ok {
			continue
		}
		if strings.TrimSpace(x.value) == "" {
			l.errorAt(item, p, "empty entry")
			continue
		}
		vals = append(vals, x.value)
		nodes = append(nodes, deref(item))
	}
	return vals, nodes
}

// seq returns the items of a list of mappings (feeds, rules); a null node
// is an empty list.
func (l *loader) seq(path string, n *yaml.Node, what string) []*yaml.Node {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorAt(n, path, "want a list of %s, got %s", what, kindName(n))
		return nil
	}
	return n.Content
}

// join builds a path such as feeds[0].url for messages.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
