package telegram

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/attache-dev/attache/source/internal/ident"
	"golang.org/x/net/html"
)

// What surrounds a message's own text: where it was forwarded from, what
// it answers, the card of its link, its media, and the edit mark.

func forwarded(msg *goquery.Selection, base *url.URL) *Origin {
	name := own(msg, ".tgme_widget_message_forwarded_from_name")
	if name.Length() == 0 {
		return nil
	}
	o := &Origin{Name: lineOf(name.Get(0)), Link: ident.Resolve(base, name.AttrOr("href", ""))}
	if a := own(msg, ".tgme_widget_message_forwarded_from_author"); a.Length() > 0 {
		if who := lineOf(a.Get(0)); who != "" {
			o.Name += " (" + who + ")"
		}
	}
	if o.Name == "" && o.Link == "" {
		return nil
	}
	return o
}

func reply(msg *goquery.Selection, base *url.URL) *Reply {
	r := msg.Find(".tgme_widget_message_reply").First()
	if r.Length() == 0 {
		return nil
	}
	out := &Reply{Link: ident.Resolve(base, r.AttrOr("href", ""))}
	if a := r.Find(".tgme_widget_message_author_name"); a.Length() > 0 {
		out.Author = lineOf(a.Get(0))
	}
	if t := r.Find(".js-message_reply_text, .tgme_widget_message_metatext, .tgme_widget_message_text"); t.Length() > 0 {
		out.Text = lineOf(t.Get(0))
	}
	return out
}

func linkPreview(msg *goquery.Selection, base *url.URL) *LinkPreview {
	a := msg.Find(".tgme_widget_message_link_preview").First()
	if a.Length() == 0 {
		return nil
	}
	field := func(sel string) string {
		if s := a.Find(sel); s.Length() > 0 {
			return lineOf(s.Get(0))
		}
		return ""
	}
	return &LinkPreview{
		URL:         ident.Resolve(base, a.AttrOr("href", "")),
		Site:        field(".link_preview_site_name"),
		Title:       field(".link_preview_title"),
		Description: field(".link_preview_description"),
	}
}

// media lists the message's media, each kind once, and the text they
// carry.
func media(msg *goquery.Selection) ([]string, string) {
	var kinds, texts []string
	for _, k := range mediaKinds {
		if own(msg, "."+k.class).Length() > 0 {
			kinds = append(kinds, k.kind)
		}
	}
	own(msg, ".tgme_widget_message_document_title, .tgme_widget_message_poll_question").Each(func(_ int, s *goquery.Selection) {
		if t := lineOf(s.Get(0)); t != "" {
			texts = append(texts, t)
		}
	})
	return kinds, strings.Join(texts, "\n")
}

// edited reports the "edited" mark that the preview writes before the
// message's time.
func edited(msg *goquery.Selection) bool {
	meta := own(msg, ".tgme_widget_message_meta")
	if meta.Length() == 0 {
		return false
	}
	if meta.Find(".tgme_widget_message_edited").Length() > 0 {
		return true
	}
	var b strings.Builder
	for c := meta.Get(0).FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	s := strings.ToLower(b.String())
	return strings.Contains(s, "edited") || strings.Contains(s, "изменено")
}
