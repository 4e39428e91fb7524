package telegram

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/attache-dev/attache/source/internal/ident"
	"golang.org/x/net/html"
)

// Message is one message of a channel's preview, as the page shows it.
type Message struct {
	// Post is the message's data-post attribute, "CHANNEL/ID": the item's
	// key, stable across edits.
	Post string `json:"post"`
	// Channel and ID are the two halves of Post; ID is 0 when the second
	// half is not a number.
	Channel string `json:"channel"`
	ID      int64  `json:"id"`
	// Link is the message's permalink, made absolute against the page.
	Link string `json:"link"`
	// Date is when the message was posted, in UTC; zero when the page
	// gave none that parses. DateText is the attribute as written.
	Date     time.Time `json:"date"`
	DateText string    `json:"date_text,omitempty"`
	// Author is the post's signature when the channel signs posts, else
	// the channel's name as the message shows it.
	Author string `json:"author,omitempty"`
	// Text is the message's own text (a caption for media), paragraphs
	// kept; the quoted text of a reply is not part of it.
	Text string `json:"text,omitempty"`
	// Hashtags are the message's hashtags, without '#'.
	Hashtags []string `json:"hashtags,omitempty"`
	// Forwarded names where a forwarded message comes from; nil otherwise.
	Forwarded *Origin `json:"forwarded,omitempty"`
	// Reply is the message that this one answers; nil otherwise.
	Reply *Reply `json:"reply,omitempty"`
	// Preview is the link preview shown under the text; nil otherwise.
	Preview *LinkPreview `json:"preview,omitempty"`
	// Media lists the kinds of media the message carries, in order:
	// photo, video, round_video, document, voice, audio, sticker, poll,
	// location, unsupported (the preview shows "Please open Telegram").
	Media []string `json:"media,omitempty"`
	// MediaText is the text that media carry: document names, a poll's
	// question.
	MediaText string `json:"media_text,omitempty"`
	// Service is true for a service message ("Channel photo updated"):
	// not news, and Items leaves it out.
	Service bool `json:"service,omitempty"`
	// Edited is true when the preview marks the message as edited.
	Edited bool `json:"edited,omitempty"`
	// Revision is a hash of what the message says (text, media, forward,
	// link preview). An edit gives the same Post a new Revision, which is
	// how a caller tells a revision from a message it has already seen.
	Revision string `json:"revision"`
}

// Origin is the channel or person a message was forwarded from.
type Origin struct {
	Name string `json:"name"`
	// Link is the original message (or its channel); empty when the
	// origin hides itself.
	Link string `json:"link,omitempty"`
}

// Reply is the message that a message answers, as quoted above it.
type Reply struct {
	Author string `json:"author,omitempty"`
	Text   string `json:"text,omitempty"`
	Link   string `json:"link,omitempty"`
}

// LinkPreview is the card that Telegram draws for a link in the text.
type LinkPreview struct {
	URL         string `json:"url,omitempty"`
	Site        string `json:"site,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// mediaKinds maps the markup of each kind of media to its name, in the
// order Message.Media lists them.
var mediaKinds = []struct{ class, kind string }{
	{"tgme_widget_message_photo_wrap", "photo"},
	{"tgme_widget_message_video_player", "video"},
	{"tgme_widget_message_roundvideo_player", "round_video"},
	{"tgme_widget_message_document", "document"},
	{"tgme_widget_message_voice_player", "voice"},
	{"tgme_widget_message_audio", "audio"},
	{"tgme_widget_message_sticker_wrap", "sticker"},
	{"tgme_widget_message_poll", "poll"},
	{"tgme_widget_message_location_wrap", "location"},
	{"message_media_not_supported", "unsupported"},
}

// parseMessage reads one message element. base resolves relative links.
func parseMessage(msg *goquery.Selection, base *url.URL) Message {
	var m Message
	m.Post = strings.TrimSpace(msg.AttrOr("data-post", ""))
	m.Channel, m.ID = splitPost(m.Post)
	m.Service = msg.HasClass("service_message")

	if t := own(msg, ".tgme_widget_message_date time[datetime]"); t.Length() > 0 {
		m.DateText = strings.TrimSpace(t.AttrOr("datetime", ""))
		if d, err := time.Parse(time.RFC3339, m.DateText); err == nil {
			m.Date = d.UTC()
		}
	}
	if a := own(msg, "a.tgme_widget_message_date[href]"); a.Length() > 0 {
		m.Link = ident.Resolve(base, a.AttrOr("href", ""))
	}
	if m.Link == "" && m.Channel != "" && m.ID > 0 {
		m.Link = "https://t.me/" + m.Post
	}
	if s := own(msg, ".tgme_widget_message_from_author"); s.Length() > 0 {
		m.Author = lineOf(s.Get(0))
	} else if s := own(msg, ".tgme_widget_message_owner_name"); s.Length() > 0 {
		m.Author = lineOf(s.Get(0))
	}

	if text := messageText(msg); text != nil {
		m.Text = ident.Clean(textOf(text))
		m.Hashtags = hashtags(text)
	}
	m.Forwarded = forwarded(msg, base)
	m.Reply = reply(msg, base)
	m.Preview = linkPreview(msg, base)
	m.Media, m.MediaText = media(msg)
	m.Edited = edited(msg)
	m.Revision = revision(m)
	return m
}

// splitPost splits "CHANNEL/ID".
func splitPost(post string) (string, int64) {
	ch, num, ok := strings.Cut(post, "/")
	if !ok {
		return post, 0
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id < 0 {
		return ch, 0
	}
	return ch, id
}

// own finds what matches sel within the message but outside the quoted
// reply and the link preview, whose text and links are not the message's.
func own(msg *goquery.Selection, sel string) *goquery.Selection {
	return msg.Find(sel).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return !quoted(s.Get(0), msg.Get(0))
	})
}

// quoted reports a node inside a reply quote or a link preview of msg.
func quoted(n, msg *html.Node) bool {
	for p := n.Parent; p != nil && p != msg; p = p.Parent {
		for _, a := range p.Attr {
			if a.Key == "class" && (hasWord(a.Val, "tgme_widget_message_reply") || hasWord(a.Val, "tgme_widget_message_link_preview")) {
				return true
			}
		}
	}
	return false
}

func hasWord(list, word string) bool {
	for f := range strings.FieldsSeq(list) {
		if f == word {
			return true
		}
	}
	return false
}

// messageText finds the message's own text: the text element that is a
// child of the bubble (a reply's quote is a text element too, inside the
// reply), else, for markup without a bubble, the first text element
// outside the quote. An album's caption nests two text elements: the
// outer one is read, once.
func messageText(msg *goquery.Selection) *html.Node {
	if s := msg.Find(".tgme_widget_message_bubble > .tgme_widget_message_text"); s.Length() > 0 {
		return s.Get(0)
	}
	if s := own(msg, ".tgme_widget_message_text"); s.Length() > 0 {
		return s.Get(0)
	}
	return nil
}

// hashtags are the links of the text that read "#word".
func hashtags(text *html.Node) []string {
	var tags []string
	goquery.NewDocumentFromNode(text).Find("a").Each(func(_ int, a *goquery.Selection) {
		t := lineOf(a.Get(0))
		if len(t) > 1 && t[0] == '#' && !strings.ContainsFunc(t, isSpace) {
			tags = append(tags, t[1:])
		}
	})
	return tags
}

// revision hashes what a message says, so that an edit shows as a new
// revision of the same post. Views, the edit mark and the date are left
// out: they change without the message changing.
func revision(m Message) string {
	h := sha256.New()
	write := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	write(m.Text)
	write(m.MediaText)
	write(strings.Join(m.Media, ","))
	if m.Forwarded != nil {
		write(m.Forwarded.Name)
		write(m.Forwarded.Link)
	}
	if m.Preview != nil {
		write(m.Preview.URL)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}
