package text

import "testing"

func TestPlain(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain text is kept", "NATO summit", "NATO summit"},
		{"entities are decoded", "Q&amp;A &laquo;НАТО&raquo; &#8212; AT&T", "Q&A «НАТО» — AT&T"},
		{"tags are dropped and blocks break lines", "<div><p>One</p><p>Two <b>bold</b></p></div>", "One\nTwo bold"},
		{"scripts and styles are dropped", "a<script>alert('NATO')</script><style>p{}</style>b", "ab"},
		{"a non-breaking space is a space", "to\u00a0the west", "to the west"},
		{"runs of space are squeezed and ends trimmed", "  a \t\t b  ", "a b"},
		{"control characters are dropped", "NA\x00T\x07O\x1b", "NATO"},
		{"invalid UTF-8 is dropped", "NA\xffTO \xc3(", "NATO ("},
		{"direction marks and BOMs are dropped", "\ufeff\u200fNATO\u200e", "NATO"},
		{"a zero-width space separates", "NATO\u200bsummit", "NATO summit"},
		{"broken markup never fails", "<p><b>NATO</p", "NATO"},
		{"a lone < is text", "a < b", "a < b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Plain(c.in); got != c.want {
				t.Errorf("Plain(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
