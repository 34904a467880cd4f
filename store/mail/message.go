package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/yuin/goldmark"
)

// Message is one e-mail to one recipient.
type Message struct {
	FromName, From string // the sender's name and address
	To             string
	Subject        string
	// Markdown is the body: sent as it is in the text/plain part and
	// rendered (raw HTML never passes) in the text/html part.
	Markdown string
	// Unsubscribe is the one-click unsubscribe URL; when set, the body
	// ends with it and the List-Unsubscribe headers (RFC 8058) carry it.
	Unsubscribe string
	// UnsubscribeText introduces the link at the body's end.
	UnsubscribeText string
	Date            time.Time
}

var markdown = goldmark.New()

// Bytes is the message in MIME form (CRLF line ends): RFC 2047 UTF-8
// headers, a multipart/alternative body of text/plain and text/html
// parts, each UTF-8 and quoted-printable.
func (m *Message) Bytes() ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	text := strings.ReplaceAll(m.Markdown, "\r\n", "\n")
	var html bytes.Buffer
	if err := markdown.Convert([]byte(text), &html); err != nil {
		return nil, fmt.Errorf("mail: render body: %w", err)
	}
	if m.Unsubscribe != "" {
		text += "\n\n--\n" + m.UnsubscribeText + "\n" + m.Unsubscribe + "\n"
		html.WriteString(`<hr><p style="font-size:small">` + escapeHTML(m.UnsubscribeText) + ` <a href="` + escapeHTML(m.Unsubscribe) + `">` + escapeHTML(m.Unsubscribe) + "</a></p>\n")
	}
	for _, part := range []struct {
		typ  string
		body string
	}{{"text/plain; charset=utf-8", text}, {"text/html; charset=utf-8", "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n" + html.String() + "</body></html>\n"}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", part.typ)
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, fmt.Errorf("mail: part: %w", err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n"))); err != nil {
			return nil, fmt.Errorf("mail: part: %w", err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("mail: part: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("mail: body: %w", err)
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	var out bytes.Buffer
	header := func(k, v string) { out.WriteString(k + ": " + v + "\r\n") }
	from := mail.Address{Name: m.FromName, Address: m.From}
	header("From", from.String())
	header("To", (&mail.Address{Address: m.To}).String())
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", messageID(m.From))
	header("MIME-Version", "1.0")
	if m.Unsubscribe != "" {
		header("List-Unsubscribe", "<"+m.Unsubscribe+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	header("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	out.WriteString("\r\n")
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// oneLine keeps a header value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func messageID(from string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	domain := "kobicrm.local"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">"
}

func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
