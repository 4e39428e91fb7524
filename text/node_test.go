package text

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAFieldAndAPageGiveTheSameText checks that both ways in, a field's
// markup and an already parsed page, hide and break on the same elements.
func TestAFieldAndAPageGiveTheSameText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"blocks break lines", "<div><p>One</p><p>Two <b>bold</b></p></div>", "One\nTwo bold"},
		{"hidden elements are dropped", "a<script>x()</script><style>p{}</style><object>o</object><svg>s</svg>b", "ab"},
		{"an image separates words", "NATO<img src=x>summit", "NATO\nsummit"},
		{"headings and list items are lines", "<h2>Title</h2><ul><li>one</li><li>two</li></ul>", "Title\none\ntwo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Plain(c.in); got != c.want {
				t.Errorf("Plain(%q) = %q, want %q", c.in, got, c.want)
			}
			root, err := html.Parse(strings.NewReader("<body>" + c.in + "</body>"))
			if err != nil {
				t.Fatal(err)
			}
			if got := Block(root); got != c.want {
				t.Errorf("Block(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
