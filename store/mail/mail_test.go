package mail_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	kmail "kobicrm/store/mail"
	"kobicrm/store/mail/mailtest"
)

const turkishSubject = "Şubat kampanyası: İndirim ğüşıöç"

// decode reads a message back as a mail client would: its decoded
// subject, and its text and HTML parts.
func decode(t *testing.T, raw []byte) (subject string, h mail.Header, text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Fatalf("part encoding %q", p.Header.Get("Content-Transfer-Encoding"))
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		switch p.Header.Get("Content-Type") {
		case "text/plain; charset=utf-8":
			text = string(b)
		case "text/html; charset=utf-8":
			html = string(b)
		default:
			t.Fatalf("part type %q", p.Header.Get("Content-Type"))
		}
	}
	return subject, msg.Header, text, html
}

func TestMessageEncoding(t *testing.T) {
	m := &kmail.Message{FromName: "Çağlar Ticaret", From: "bilgi@caglar.com.tr", To: "sukru@example.com",
		Subject: turkishSubject, Markdown: "Merhaba **Şükrü**,\n\n<script>alert(1)</script> İyi günler.",
		Unsubscribe: "http://crm.local/u/abc.def", UnsubscribeText: "Listeden çıkmak için:", Date: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line longer than 998: %q", line[:80])
		}
		for _, r := range line {
			if r > 127 {
				t.Fatalf("8-bit byte on the wire: %q", line)
			}
		}
	}
	subject, h, text, html := decode(t, raw)
	if subject != turkishSubject {
		t.Fatalf("subject %q", subject)
	}
	from, err := (&mail.AddressParser{WordDecoder: new(mime.WordDecoder)}).Parse(h.Get("From"))
	if err != nil || from.Name != "Çağlar Ticaret" || from.Address != "bilgi@caglar.com.tr" {
		t.Fatalf("from %v %v", from, err)
	}
	if h.Get("List-Unsubscribe") != "<http://crm.local/u/abc.def>" || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe headers %q %q", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
	}
	if !strings.Contains(text, "Merhaba **Şükrü**") || !strings.Contains(text, "http://crm.local/u/abc.def") {
		t.Fatalf("text %q", text)
	}
	if !strings.Contains(html, "<strong>Şükrü</strong>") || strings.Contains(html, "<script>") || !strings.Contains(html, `href="http://crm.local/u/abc.def"`) {
		t.Fatalf("html %q", html)
	}
}

func TestMerge(t *testing.T) {
	out, err := kmail.Merge("Sayın {{ad}} {{ soyad }}, {{firma}}", map[string]string{"ad": "Şükrü", "soyad": "Çağlar"})
	if err != nil || out != "Sayın Şükrü Çağlar, " {
		t.Fatalf("%q %v", out, err)
	}
	var fe *kmail.FieldError
	if err := kmail.Check("Merhaba {{isim}}"); !errors.As(err, &fe) || fe.Field != "isim" {
		t.Fatalf("unknown field: %v", err)
	}
	if err := kmail.Check("Merhaba {{ad"); !errors.As(err, &fe) || !fe.Unclosed {
		t.Fatalf("unclosed: %v", err)
	}
	if err := kmail.Check("Merhaba } { ad }}"); err != nil {
		t.Fatalf("plain braces: %v", err)
	}
}

func TestToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok := kmail.Token(key, 12345)
	if id, ok := kmail.ParseToken(key, tok); !ok || id != 12345 {
		t.Fatalf("%d %v", id, ok)
	}
	if _, ok := kmail.ParseToken([]byte("another key"), tok); ok {
		t.Fatal("token accepted under another key")
	}
	other := kmail.Token(key, 12346)
	forged := strings.Split(tok, ".")[0] + "." + strings.Split(other, ".")[1]
	if _, ok := kmail.ParseToken(key, forged); ok {
		t.Fatal("forged token accepted")
	}
}

func FuzzParseToken(f *testing.F) {
	key := []byte("fuzz key")
	f.Add(kmail.Token(key, 1))
	f.Add(kmail.Token(key, 1<<40))
	f.Add("")
	f.Add(".")
	f.Add("zz.AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := kmail.ParseToken(key, s)
		if ok && kmail.Token(key, id) != s {
			t.Fatalf("accepted %q as %d, whose token is %q", s, id, kmail.Token(key, id))
		}
	})
}

func FuzzMerge(f *testing.F) {
	for _, s := range []string{"Merhaba {{ad}}", "{{", "}}{{ad}}{{", "{{ soyad }} {{firma}}", "{{bilinmeyen}}", "ğüş {{il}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkErr := kmail.Check(s)
		out, err := kmail.Merge(s, map[string]string{"ad": "X"})
		if (checkErr == nil) != (err == nil) {
			t.Fatalf("Check %v, Merge %v", checkErr, err)
		}
		if err == nil && !strings.Contains(s, "{{") && out != s {
			t.Fatalf("text without fields changed: %q → %q", s, out)
		}
		var fe *kmail.FieldError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("error of another type: %v", err)
		}
	})
}

func send(t *testing.T, srv *mailtest.Server, c *kmail.Conn, to string) error {
	t.Helper()
	raw, err := (&kmail.Message{From: "bilgi@firma.com.tr", To: to, Subject: turkishSubject, Markdown: "Merhaba"}).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return c.Send("bilgi@firma.com.tr", to, raw)
}

func TestSendSMTP(t *testing.T) {
	srv := mailtest.Start(t)
	c := kmail.NewConn(kmail.Server{Host: srv.Host, Port: srv.Port, Security: kmail.SecurityNone, Timeout: 2 * time.Second})
	defer c.Close()
	for _, to := range []string{"a@example.com", "b@example.com"} {
		if err := send(t, srv, c, to); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[1].To[0] != "b@example.com" {
		t.Fatalf("%+v", msgs)
	}
	if subject, _, _, _ := decode(t, msgs[0].Data); subject != turkishSubject {
		t.Fatalf("subject arrived as %q", subject)
	}

	// A refused recipient is an error; the next message goes through.
	srv.Refuse(func(to string) bool { return to == "red@example.com" })
	if err := send(t, srv, c, "red@example.com"); err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("refused: %v", err)
	}
	if err := send(t, srv, c, "c@example.com"); err != nil {
		t.Fatal(err)
	}
	// A connection dropped mid-message is an error; the next one dials anew.
	srv.Drop(1)
	if err := send(t, srv, c, "d@example.com"); err == nil {
		t.Fatal("dropped connection not reported")
	}
	if err := send(t, srv, c, "e@example.com"); err != nil {
		t.Fatal(err)
	}
	// A server that does not answer in time is an error.
	srv.Hang(3 * time.Second)
	if err := send(t, srv, c, "f@example.com"); err == nil {
		t.Fatal("timeout not reported")
	}
	if n := len(srv.Messages()); n != 4 && n != 5 { // f may land after the client gave up
		t.Fatalf("%d messages", n)
	}
	// Nobody listening.
	dead := kmail.NewConn(kmail.Server{Host: "127.0.0.1", Port: 1, Security: kmail.SecurityNone, Timeout: time.Second})
	if err := send(t, srv, dead, "g@example.com"); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("refused connection: %v", err)
	}
	// STARTTLS asked of a server without it.
	tlsc := kmail.NewConn(kmail.Server{Host: srv.Host, Port: srv.Port, Security: kmail.SecurityStartTLS, Timeout: time.Second})
	if err := send(t, srv, tlsc, "h@example.com"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("starttls: %v", err)
	}
}
