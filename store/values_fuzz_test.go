package store

import (
	"net/url"
	"reflect"
	"testing"
)

// FuzzParseForm feeds arbitrary form values to every declared module. The
// parser must never panic, and a value it accepts must come out the same
// when parsed again (what is stored re-validates as itself).
func FuzzParseForm(f *testing.F) {
	f.Add("person", "Şükrü", "0532 123 45 67", "10000000146", "34 abc 123", "05.01.2026", "vip, toptan", "isparta")
	f.Add("company", "", "+90 (212) 555-12-12", "4540536920", "", "2026-01-05", ",,,", "ISTANBUL")
	f.Add("x", "\xff\xfe", "5", "0", "00 A 1", "31.02.2026", "a,b,c,d", "")
	f.Fuzz(func(t *testing.T, kind, text, phone, id, plate, date, tags, province string) {
		for _, m := range Modules() {
			form := url.Values{}
			for _, fd := range m.InputFields() {
				switch fd.Kind {
				case Phone:
					form.Set(fd.Name, phone)
				case PhoneList:
					form[fd.Name+"_label"] = []string{text}
					form[fd.Name+"_number"] = []string{phone}
				case TCKN, VKN, Int, Ref, Money, PostalCode:
					form.Set(fd.Name, id)
				case Plate:
					form.Set(fd.Name, plate)
				case Date:
					form.Set(fd.Name, date)
				case Tags:
					form.Set(fd.Name, tags)
				case Province:
					form.Set(fd.Name, province)
				case Choice:
					form.Set(fd.Name, kind)
				default:
					form.Set(fd.Name, text)
				}
			}
			vals, errs := m.ParseForm(form)
			for name, v := range vals {
				if _, bad := errs.Fields[name]; bad {
					continue
				}
				fd, ok := m.Field(name)
				if !ok {
					continue
				}
				again := Values{name: v}
				if msg := fd.recheck(again); msg != nil {
					t.Fatalf("%s.%s: accepted %#v, but it does not re-validate: %s", m.Key, name, v, msg.Key)
				}
				if !reflect.DeepEqual(normalSide(again[name]), normalSide(v)) {
					t.Fatalf("%s.%s: %#v re-parses as %#v", m.Key, name, v, again[name])
				}
			}
		}
	})
}
