package sms_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kobicrm/store/sms"
)

func TestSendThroughAFakeGateway(t *testing.T) {
	var got struct {
		To, Msg, Title, Key string
	}
	mode := "ok"
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &in); err != nil {
			http.Error(w, "bad json", 400)
			return
		}
		got.To, got.Msg, got.Title, got.Key = in["gsm"], in["text"], in["from"], r.Header.Get("X-Api-Key")
		switch mode {
		case "500":
			http.Error(w, "internal error", 500)
		case "garbage":
			_, _ = w.Write([]byte("\x00\xffNOT-JSON<html>"))
		default:
			_, _ = w.Write([]byte(`{"status":"OK","id":"123"}`))
		}
	}))
	defer gw.Close()
	g := &sms.Gateway{URL: gw.URL + "/send", Method: http.MethodPost, BodyKind: sms.BodyJSON,
		Body: `{"gsm":"{{telefon}}","text":"{{mesaj}}","from":"{{baslik}}"}`, Header: "X-Api-Key: gizli",
		Status: 200, Success: `"status"\s*:\s*"OK"`, Title: "FIRMA"}
	if f, err := g.Check(); err != nil {
		t.Fatal(f, err)
	}
	text := `Şubat "indirimi" başladı\nRET yazıp 3333'e gönderin`
	if err := g.Send(context.Background(), gw.Client(), "+905321234567", text); err != nil {
		t.Fatal(err)
	}
	if got.To != "905321234567" || got.Msg != text || got.Title != "FIRMA" || got.Key != "gizli" {
		t.Fatalf("the gateway got %+v", got)
	}
	mode = "500"
	if err := g.Send(context.Background(), gw.Client(), "+905321234567", "x"); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("500: %v", err)
	}
	mode = "garbage"
	if err := g.Send(context.Background(), gw.Client(), "+905321234567", "x"); err == nil || !strings.Contains(err.Error(), "not a success") {
		t.Errorf("garbage: %v", err)
	}
	gw.Close()
	if err := g.Send(context.Background(), http.DefaultClient, "+905321234567", "x"); err == nil {
		t.Error("a gateway that is gone answered")
	}
}

func TestGatewayCheck(t *testing.T) {
	for _, c := range []struct {
		g     sms.Gateway
		field string
	}{
		{sms.Gateway{URL: "http://x/?to={{numara}}"}, "url"},
		{sms.Gateway{URL: "http://x/", Body: "{{mesaj"}, "body"},
		{sms.Gateway{URL: "http://x/", Header: "Bad Header: x"}, "header"},
		{sms.Gateway{URL: "http://x/", Success: "(unclosed"}, "success"},
	} {
		if f, err := c.g.Check(); f != c.field || err == nil {
			t.Errorf("%+v: %s %v, want %s", c.g, f, err, c.field)
		}
	}
}

func FuzzFill(f *testing.F) {
	for _, s := range []string{"to={{telefon}}&m={{mesaj}}", "{{", "{{ mesaj }}}}", "{{bilinmeyen}}", "düz metin"} {
		f.Add(s)
	}
	vals := map[string]string{"telefon": "905321234567", "mesaj": "a&b"}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := sms.Fill(s, vals, func(v string) string { return strings.ReplaceAll(v, "&", "%26") })
		var pe *sms.PlaceholderError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error of another type: %v", err)
		}
		if err == nil && !strings.Contains(s, "{{") && out != s {
			t.Fatalf("text without placeholders changed: %q → %q", s, out)
		}
		if err == nil && strings.Contains(out, "a&b") && !strings.Contains(s, "a&b") {
			t.Fatalf("a value went in unescaped: %q", out)
		}
	})
}
