package config

import (
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// WebSub is the `websub:` section: where hubs push feeds' updates.
type WebSub struct {
	// CallbackURL is the public https URL that reaches --listen at its
	// path; each subscription adds a random token to it.
	CallbackURL string
	// Lease is the subscription lease asked of hubs (they decide); 0 asks
	// for none.
	Lease time.Duration
	// AllowInsecureHub lets the subscription secret go to a plain-HTTP hub.
	AllowInsecureHub bool
}

// websub reads the `websub:` section.
func (l *loader) websub(n *yaml.Node) {
	m := l.mapping("websub", n, []string{"callback_url", "lease", "allow_insecure_hub"})
	if m == nil {
		return
	}
	w := &WebSub{}
	v, at, ok := l.required("websub", n, m, "callback_url")
	if ok {
		u, err := url.Parse(strings.TrimSpace(v))
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			l.errorAt(at, "websub.callback_url", "%q is not an absolute URL: give the public https address that reaches --listen, such as https://attache.example.org/websub", v)
		case u.Path == "" || u.Path == "/":
			l.errorAt(at, "websub.callback_url", "%q has no path: give one of its own, such as https://attache.example.org/websub, so that the status page and /metrics stay apart", v)
		default:
			w.CallbackURL = strings.TrimSpace(v)
		}
	}
	l.duration("websub", m, "lease", &w.Lease, true)
	l.boolean("websub", m, "allow_insecure_hub", &w.AllowInsecureHub)
	l.cfg.WebSub = w
}
