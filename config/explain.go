package config

import "github.com/attache-dev/attache/rules"

// Explain describes what every list entry and every term of every rule will
// match (`attache check --explain`). The configuration has been validated,
// so the rules compile.
func (c *Config) Explain() ([]rules.TermExplanation, error) {
	rs := make([]rules.Rule, 0, len(c.Rules))
	for _, r := range c.Rules {
		if r.Query != "" {
			rs = append(rs, rules.Rule{Name: r.Name, Query: r.Query, Scopes: r.Feeds})
		}
	}
	return rules.Explain(rs, c.Lists)
}
