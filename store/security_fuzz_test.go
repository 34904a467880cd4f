package store

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// permissionsForm renders permissions as the role form sends them: one
// select per module and action, one per protected field.
func permissionsForm(p Permissions, field string) url.Values {
	form := url.Values{}
	for mod, acts := range p.Grants {
		for act, sc := range acts {
			form.Set(field+"."+mod+"."+act, sc)
		}
	}
	for mod, fields := range p.Fields {
		for name, acc := range fields {
			form.Set(field+"."+mod+".field."+name, acc)
		}
	}
	return form
}

// checkNormalPermissions fails the test unless p is what normalise makes:
// only modules roles grant on, known actions at scopes above none, and
// protections of protectable fields.
func checkNormalPermissions(t *testing.T, p Permissions) {
	t.Helper()
	again, msg := p.normalise(nil)
	if msg != nil {
		t.Fatalf("accepted %+v, which does not normalise: %s %v", p, msg.Key, msg.Args)
	}
	if !reflect.DeepEqual(again, p) {
		t.Fatalf("accepted %+v, which normalises to %+v", p, again)
	}
	roleModule := func(key string) *Module {
		for _, m := range RoleModules() {
			if m.Key == key {
				return m
			}
		}
		t.Fatalf("accepted module %q, which roles do not grant on", key)
		return nil
	}
	for mod, acts := range p.Grants {
		roleModule(mod)
		if len(acts) == 0 {
			t.Fatalf("accepted an empty grant for %s", mod)
		}
		for act, sc := range acts {
			if actionIndex(act) < 0 {
				t.Fatalf("accepted action %q", act)
			}
			if s, ok := ParseScope(sc); !ok || s == ScopeNone {
				t.Fatalf("accepted scope %q for %s %s", sc, mod, act)
			}
		}
	}
	for mod, fields := range p.Fields {
		m := roleModule(mod)
		if len(fields) == 0 {
			t.Fatalf("accepted an empty protection for %s", mod)
		}
		for name, acc := range fields {
			f, ok := m.Field(name)
			if !ok || !f.Sensitive || f.Computed {
				t.Fatalf("accepted a protection of %s.%s, which is not protectable", mod, name)
			}
			if acc != "readonly" && acc != "hidden" {
				t.Fatalf("accepted protection %q of %s.%s", acc, mod, name)
			}
		}
	}
}

var permissionSeeds = []string{
	"permissions.customers.read=all&permissions.customers.edit=own&permissions.customers.field.tckn=hidden",
	"permissions.customers.read=team&permissions.customers.create=department&permissions.customers.delete=none" +
		"&permissions.customers.export=own&permissions.customers.import=all&permissions.assets.read=all" +
		"&permissions.assets.delete=team&permissions.customers.field.birth_date=readonly&permissions.customers.field.tckn=",
	"permissions.customers.read=+all+&permissions.customers.read=own&name=X",
	"",
	"permissions.users.read=all",
	"permissions.roles.edit=all",
	"permissions.nope.read=all",
	"permissions.customers.read=everything",
	"permissions.customers.read=",
	"permissions.customers.fly=all",
	"permissions.customers=all",
	"permissions..read=all",
	"permissions.customers.=all",
	"permissions.customers.field.first_name=hidden",
	"permissions.customers.field.display_name=hidden",
	"permissions.customers.field.tckn=secret",
	"permissions.customers.field.=hidden",
	"permissions.customers.field.tckn.x=hidden",
	"permissions.users.field.email=hidden",
	"permissions.customers.read.all=all",
	"Permissions.customers.read=all&other.customers.read=all",
	"permissions.customers.read=ALL",
	"permissions.customers.read=%00all",
	"%zz&permissions.customers.read=all",
	"permissions." + strings.Repeat("x", 5000) + ".read=all",
	"permissions.customers." + strings.Repeat("field.", 1000) + "tckn=hidden",
	"permissions.customers.read=" + strings.Repeat("a", 10000),
}

// FuzzParsePermissionsForm feeds form bodies to the role form's matrix
// parser. It must never panic; what it accepts is normalised and checked
// against the declarations, and parsing it again from its own form gives
// the same permissions.
func FuzzParsePermissionsForm(f *testing.F) {
	for _, s := range permissionSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil && len(form) == 0 {
			return
		}
		p, msg := parsePermissionsForm(form, "permissions", nil)
		if msg != nil {
			if !strings.HasPrefix(msg.Key, "error.perm_") {
				t.Fatalf("refused with %q", msg.Key)
			}
			if !reflect.DeepEqual(p, Permissions{}) {
				t.Fatalf("refused, but returned %+v", p)
			}
			return
		}
		checkNormalPermissions(t, p)
		again, msg := parsePermissionsForm(permissionsForm(p, "permissions"), "permissions", nil)
		if msg != nil {
			t.Fatalf("the form of %+v is refused: %s %v", p, msg.Key, msg.Args)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("%+v comes back from its form as %+v", p, again)
		}
		// The JSON form says the same.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		vals, errs := Roles.ParseJSON(map[string]json.RawMessage{"permissions": b})
		if errs.Err() != nil {
			t.Fatalf("the JSON %s of accepted permissions is refused: %v", b, errs)
		}
		if !reflect.DeepEqual(vals["permissions"], p) {
			t.Fatalf("%+v comes back from its JSON as %+v", p, vals["permissions"])
		}
	})
}

// FuzzPermissionsJSON feeds JSON to the permissions field of the roles
// module, as the API takes it, with the same invariants.
func FuzzPermissionsJSON(f *testing.F) {
	for _, s := range []string{
		`{"grants": {"customers": {"read": "all", "edit": "own"}}, "fields": {"customers": {"tckn": "hidden"}}}`,
		`{"grants": {"customers": {"read": "none"}, "assets": {}}, "fields": {"customers": {"birth_date": ""}}}`,
		`{"grants": {"users": {"read": "all"}}}`,
		`{"grants": {"customers": {"read": "everything"}}}`,
		`{"grants": {"customers": {"fly": "all"}}}`,
		`{"grants": {"customers": null}, "fields": null}`,
		`{"fields": {"customers": {"first_name": "hidden"}}}`,
		`{"fields": {"customers": {"tckn": "secret"}}}`,
		`{"GRANTS": {"customers": {"read": "all"}}}`,
		`{"grants": {"customers": {"read": 1}}}`,
		`{"grants": [], "fields": "x"}`,
		`{"extra": true}`,
		`null`, `[]`, `"all"`, `{`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		vals, errs := Roles.ParseJSON(map[string]json.RawMessage{"permissions": json.RawMessage(raw)})
		if errs.Err() != nil {
			if len(errs.Fields) != 1 || errs.Fields["permissions"].Key == "" {
				t.Fatalf("refused with %v", errs)
			}
			return
		}
		p, ok := vals["permissions"].(Permissions)
		if !ok {
			t.Fatalf("accepted as %T", vals["permissions"])
		}
		checkNormalPermissions(t, p)
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		again, errs := Roles.ParseJSON(map[string]json.RawMessage{"permissions": b})
		if errs.Err() != nil || !reflect.DeepEqual(again["permissions"], p) {
			t.Fatalf("%+v comes back from its JSON %s as %+v (%v)", p, b, again["permissions"], errs)
		}
		form, msg := parsePermissionsForm(permissionsForm(p, "permissions"), "permissions", nil)
		if msg != nil || !reflect.DeepEqual(form, p) {
			t.Fatalf("%+v comes back from its form as %+v (%v)", p, form, msg)
		}
	})
}
