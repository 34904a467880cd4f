// Package sms sends a text message through any SMS provider's HTTP API,
// described as a request template: the URL, method and body with
// placeholders ({{telefon}}, {{mesaj}} …), and how a successful answer
// looks (its status and, optionally, a regular expression its body must
// match). Turkish providers differ only in these.
package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Placeholders a template may use: the number as 905321234567 and as
// +905321234567, the number without the country code (5321234567), the
// message text, and the sender title (başlık) of the settings.
var Placeholders = []string{"telefon", "telefon_e164", "telefon_yerel", "mesaj", "baslik"}

// Body encodings: how placeholder values are escaped in the body.
const (
	BodyForm = "form" // application/x-www-form-urlencoded: values URL-encoded
	BodyJSON = "json" // application/json: values JSON-string-escaped
	BodyXML  = "xml"  // text/xml: values XML-escaped
)

// BodyKinds are the encodings in the order the settings offer them.
var BodyKinds = []string{BodyForm, BodyJSON, BodyXML}

// Gateway is a provider's API as a request template.
type Gateway struct {
	URL      string // placeholders URL-encoded
	Method   string // GET or POST
	BodyKind string
	Body     string
	// Header is one extra request header, "Name: value" (an API key), or "".
	Header string
	// Status is the HTTP status of success (usually 200).
	Status int
	// Success, when set, is a regular expression the answer's body must
	// match (a provider that answers 200 with an error code in the body).
	Success string
	Title   string // the sender title, {{baslik}}
}

// PlaceholderError names a placeholder the template does not know, or
// says a "{{" is not closed.
type PlaceholderError struct {
	Name     string
	Unclosed bool
}

func (e *PlaceholderError) Error() string {
	if e.Unclosed {
		return "sms: unclosed {{"
	}
	return "sms: unknown placeholder {{" + e.Name + "}}"
}

// Fill puts values (escaped by esc) in place of the placeholders of s.
func Fill(s string, values map[string]string, esc func(string) string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.Index(rest, "}}")
		if j < 0 {
			return "", &PlaceholderError{Unclosed: true}
		}
		name := strings.TrimSpace(rest[:j])
		v, ok := values[name]
		if !ok {
			return "", &PlaceholderError{Name: name}
		}
		b.WriteString(esc(v))
		s = rest[j+2:]
	}
}

// Check reports the template's first problem: an unknown placeholder or
// an unclosed brace in the URL or body, a bad header, a success pattern
// that is no regular expression.
func (g *Gateway) Check() (field string, err error) {
	vals := map[string]string{}
	for _, p := range Placeholders {
		vals[p] = ""
	}
	if _, err := Fill(g.URL, vals, url.QueryEscape); err != nil {
		return "url", err
	}
	if _, err := Fill(g.Body, vals, func(s string) string { return s }); err != nil {
		return "body", err
	}
	if g.Header != "" {
		if name, _, ok := strings.Cut(g.Header, ":"); !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t") {
			return "header", fmt.Errorf("sms: header %q is not Name: value", g.Header)
		}
	}
	if _, err := regexp.Compile(g.Success); err != nil {
		return "success", err
	}
	return "", nil
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

var xmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace

// maxAnswer is as much of an answer as is read and checked.
const maxAnswer = 64 << 10

// Send sends text to an E.164 number (+905321234567). An error says
// what went wrong: the connection, an unexpected status, or an answer
// that does not match the success pattern, with the start of the answer.
func (g *Gateway) Send(ctx context.Context, client *http.Client, to, text string) error {
	national := strings.TrimPrefix(to, "+")
	vals := map[string]string{"telefon": national, "telefon_e164": to, "telefon_yerel": strings.TrimPrefix(national, "90"),
		"mesaj": text, "baslik": g.Title}
	u, err := Fill(g.URL, vals, url.QueryEscape)
	if err != nil {
		return err
	}
	var body io.Reader
	contentType := ""
	if g.Method == http.MethodPost {
		esc, ct := url.QueryEscape, "application/x-www-form-urlencoded"
		switch g.BodyKind {
		case BodyJSON:
			esc, ct = jsonEscape, "application/json"
		case BodyXML:
			esc, ct = xmlEscape, "text/xml; charset=utf-8"
		}
		b, err := Fill(g.Body, vals, esc)
		if err != nil {
			return err
		}
		body, contentType = strings.NewReader(b), ct
	}
	req, err := http.NewRequestWithContext(ctx, g.Method, u, body)
	if err != nil {
		return fmt.Errorf("sms: request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if name, value, ok := strings.Cut(g.Header, ":"); ok {
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("sms gateway: reading the answer: %w", err)
	}
	if resp.StatusCode != g.Status {
		return fmt.Errorf("sms gateway answered %d (want %d): %s", resp.StatusCode, g.Status, snippet(answer))
	}
	if g.Success != "" {
		re, err := regexp.Compile(g.Success)
		if err != nil {
			return fmt.Errorf("sms: success pattern: %w", err)
		}
		if !re.Match(answer) {
			return fmt.Errorf("sms gateway's answer is not a success (%s): %s", g.Success, snippet(answer))
		}
	}
	return nil
}

// snippet is the start of an answer, on one line, for an error message.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	if s == "" {
		return "(empty)"
	}
	return s
}
