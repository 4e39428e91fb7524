package jsonapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/attache-dev/attache/source/internal/check"
)

func jsonNumber(s string) json.Number { return json.Number(s) }

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want []string
	}{
		{"the Kazakh spec is valid", kzSpec, nil},
		{"the nested spec is valid", nestedSpec, nil},
		{"items is required, and title or link", Spec{}, []string{"items: missing", "title: give title or link"}},
		{"a bad path gives the parser's reason", Spec{Items: "$.data[", Title: "t"}, []string{`items: "$.data[" is not a JSONPath`}},
		{"a name with a hyphen gets a hint", Spec{Items: "$.x", Title: "created-date.x"}, []string{"title:", "$['created-date']"}},
		{"a template with an unclosed brace", Spec{Items: "$.x", Link: "/news/{id"}, []string{"link:", "is not closed"}},
		{"a template with a stray closing brace", Spec{Items: "$.x", Link: "/news/id}"}, []string{"link:", "closes nothing"}},
		{"a template without a path", Spec{Items: "$.x", Link: "/news/{{id}}"}, []string{"link:", "has no {path}"}},
		{"a bad path inside a template", Spec{Items: "$.x", Link: "/news/{$.[}"}, []string{"link: template", "is not a JSONPath"}},
		{"date_format without date", Spec{Items: "$.x", Title: "t", DateFormat: "02.01.2006"}, []string{"date_format: date_format needs date"}},
		{"a strftime date_format", Spec{Items: "$.x", Title: "t", Date: "d", DateFormat: "%d.%m.%Y"}, []string{"date_format:", "strftime", "unix_ms"}},
		{"a header the client owns", Spec{Items: "$.x", Title: "t", Headers: map[string]string{"accept-encoding": "br"}}, []string{"headers.accept-encoding: Accept-Encoding cannot be set here"}},
		{"a header name with a space", Spec{Items: "$.x", Title: "t", Headers: map[string]string{"X Token": "a"}}, []string{`headers.X Token: "X Token" is not a header name`}},
		{"a header value with a line break is refused without quoting it", Spec{Items: "$.x", Title: "t", Headers: map[string]string{"Token": "secret\r\nX: y"}}, []string{"headers.Token: the value holds a line break"}},
		{"a query parameter without a name", Spec{Items: "$.x", Title: "t", Query: map[string]string{" ": "x"}}, []string{"query: a query parameter needs a name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("got no error")
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error %q shows a header's value", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to say %q", err, w)
				}
			}
			if len(check.All(err)) == 0 {
				t.Errorf("got no *Problem in %v", err)
			}
		})
	}
}

func TestRequest(t *testing.T) {
	c, err := Spec{
		Items:   "$.content",
		Title:   "title",
		Query:   map[string]string{"size": "20", "projects": "eq:mfa", "page": "1"},
		Headers: map[string]string{"hash": "h1", "Token": "t1"},
	}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	u := c.URL(mustURL(t, "https://www.gov.kz/api/v1/public/content-manager/news?page=9&lang=ru"))
	if got, want := u.String(), "https://www.gov.kz/api/v1/public/content-manager/news?lang=ru&page=1&projects=eq%3Amfa&size=20"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	h := c.Header()
	if h.Get("Hash") != "h1" || h.Get("Token") != "t1" {
		t.Errorf("got headers %v", h)
	}
	h.Set("Token", "changed")
	if c.Header().Get("Token") != "t1" {
		t.Error("Header gave the compiled headers, not a copy")
	}
	var _ http.Header = h
}
