package config

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(specExample))
	f.Add([]byte(queryHead + "    query: >-\n      НАТО AND\n      (x\n"))
	f.Add([]byte(queryHead + "    query: \"\\u00e9 \\\"q\\\" \\\n  (x\"\n"))
	f.Add([]byte(queryHead + "    query: 'a'' ${CHANNEL} $$ (b'\n"))
	f.Add([]byte("feeds: &a [*a]\nlists: {x: &b [*b, *b]}\n"))
	f.Add([]byte("schedule: TZ=UTC\ntimezone: Local\nretention: 1d1d\n"))
	f.Add([]byte("\xef\xbb\xbfrules:\r\n  - {name: r, query: \"(\"}\r\n---\nx: 1\n"))
	f.Add([]byte("\t\n"))
	f.Add([]byte(htmlFeed("      item: \"a[title='x@y']\"\n      link: a@href\n      follow: true\n      content: \"div, p@x\"\n      date_format: 02.01\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "rules.yaml", testEnv)
		if err == nil {
			if c == nil || c.Matcher == nil || c.Timezone == nil {
				t.Fatalf("Parse succeeded with an incomplete config %+v", c)
			}
			return
		}
		var errs *Errors
		if !errors.As(err, &errs) || len(errs.List) == 0 {
			t.Fatalf("Parse error %v (%T) is not a non-empty *Errors", err, err)
		}
		for _, e := range errs.List {
			if e.Line < 1 || e.Col < 1 || e.File != "rules.yaml" {
				t.Errorf("error %q has no position in the file", e.Error())
			}
			if strings.Contains(e.Msg, "SECRET") {
				t.Errorf("error %q shows a secret", e.Error())
			}
		}
	})
}
