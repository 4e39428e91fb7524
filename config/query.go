package config

import (
	"errors"
	"fmt"

	"github.com/attache-dev/attache/rules"
)

// compile builds the matcher from every rule that has a query and every
// list, and turns the rules engine's errors into positions in the file:
// for a query, the character the problem is at, inside the query; for a
// list, the entry.
func (l *loader) compile() {
	var (
		rs    []rules.Rule
		index []int // rs[k] is l.cfg.Rules[index[k]]
	)
	for i, r := range l.cfg.Rules {
		if l.refs.rules[i].query == nil {
			continue
		}
		rs = append(rs, rules.Rule{Name: r.Name, Query: r.Query, Scopes: r.Feeds})
		index = append(index, i)
	}
	m, err := rules.Compile(rs, l.cfg.Lists)
	if err == nil {
		l.cfg.Matcher = m
		return
	}
	var ce *rules.CompileError
	if !errors.As(err, &ce) {
		l.errorPos(1, 1, "", fmt.Sprintf("compiling rules: %v", err))
		return
	}
	for _, e := range ce.Errs {
		var re *rules.RuleError
		var le *rules.ListError
		switch {
		case errors.As(e, &re) && re.Rule >= 0 && re.Rule < len(index):
			refs := l.refs.rules[index[re.Rule]]
			off := refs.queryX.rawOffset(re.Err.Offset)
			line, col := l.posIn(refs.query, off)
			l.errorPos(line, col, refs.path+".query", re.Err.Msg)
		case errors.As(e, &le):
			path := fmt.Sprintf("lists.%s[%d]", le.List, le.Entry)
			if nodes := l.refs.lists[le.List]; le.Entry >= 0 && le.Entry < len(nodes) {
				l.errorAt(nodes[le.Entry], path, "%s", le.Err.Msg)
			} else {
				l.errorPos(1, 1, path, le.Err.Msg)
			}
		default:
			l.errorPos(1, 1, "", e.Error())
		}
	}
}
