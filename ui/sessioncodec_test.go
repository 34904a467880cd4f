package ui

import (
	"reflect"
	"testing"

	"github.com/gorilla/securecookie"
)

// The session cookie's values go through JSON and come back the same;
// a cookie gob wrote before is still read; anything else is refused.
func TestCookieJSON(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	in := map[any]any{keySessionID: "oturum", keyCSRF: "jeton", keyLang: "tr", "_flash": []any{"ok:saved", "error:ğüşıöç İ"}}

	ours := securecookie.New(key, nil).SetSerializer(cookieJSON{})
	enc, err := ours.Encode(sessionName, in)
	if err != nil {
		t.Fatal(err)
	}
	out := map[any]any{}
	if err := ours.Decode(sessionName, enc, &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: %v, %v", out, err)
	}

	old, err := securecookie.New(key, nil).Encode(sessionName, in) // gob, as before
	if err != nil {
		t.Fatal(err)
	}
	out = map[any]any{}
	if err := ours.Decode(sessionName, old, &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Fatalf("a gob cookie: %v, %v", out, err)
	}

	for _, bad := range []map[any]any{{1: "x"}, {"n": 1}, {"l": []any{1}}} {
		if _, err := ours.Encode(sessionName, bad); err == nil {
			t.Errorf("%v was written", bad)
		}
	}
}
