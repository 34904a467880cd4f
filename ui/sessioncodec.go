package ui

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gorilla/securecookie"
)

// cookieJSON writes the session cookie's values as a JSON object instead
// of gorilla's default gob. Every request decodes the cookie, and gob
// compiles a decoder for its types each time: a fifth of a small page's
// time. The values are the session's few strings (its id, the CSRF token,
// the language, one-time secrets) and the flashes, a list of strings.
// Cookies written by gob before are still read, so nobody is logged out
// by the change.
type cookieJSON struct{}

func (cookieJSON) Serialize(src any) ([]byte, error) {
	values, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("session values: %T", src)
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session key %v: not a string", k)
		}
		switch v := v.(type) {
		case string:
			out[key] = v
		case []any: // the flashes
			for _, f := range v {
				if _, ok := f.(string); !ok {
					return nil, fmt.Errorf("session value %s: %T in a list", key, f)
				}
			}
			out[key] = v
		default:
			return nil, fmt.Errorf("session value %s: %T", key, v)
		}
	}
	return json.Marshal(out)
}

func (cookieJSON) Deserialize(src []byte, dst any) error {
	values, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session values: %T", dst)
	}
	if !bytes.HasPrefix(src, []byte("{")) {
		return securecookie.GobEncoder{}.Deserialize(src, dst) // written before
	}
	var in map[string]any
	if err := json.Unmarshal(src, &in); err != nil {
		return fmt.Errorf("session cookie: %w", err)
	}
	if *values == nil {
		*values = make(map[any]any, len(in))
	}
	for k, v := range in {
		switch v := v.(type) {
		case string:
			(*values)[k] = v
		case []any:
			(*values)[k] = v
		default:
			return fmt.Errorf("session value %s: %T", k, v)
		}
	}
	return nil
}
