package iys

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func rec(typ, recipient, status string) Record {
	return Record{ConsentDate: time.Date(2026, 3, 2, 7, 30, 0, 0, time.UTC), Source: "HS_WEB",
		Recipient: recipient, RecipientType: "BIREYSEL", Status: status, Type: typ}
}

func TestWriteJSONIsTheBulkFormat(t *testing.T) {
	recs := []Record{rec("MESAJ", "+905321234567", "ONAY"), rec("ARAMA", "+902125551212", "RET"), rec("EPOSTA", "ali@ornek.com.tr", "ONAY")}
	var b bytes.Buffer
	if err := WriteJSON(&b, recs); err != nil {
		t.Fatal(err)
	}
	CheckBulkFile(t, b.Bytes(), 3)
	// Istanbul time, three hours ahead of UTC.
	if !strings.Contains(b.String(), `"consentDate":"2026-03-02 10:30:00"`) {
		t.Errorf("date not in Istanbul time:\n%s", b.String())
	}
}

func TestWriteRefusesWhatIYSRefuses(t *testing.T) {
	cases := map[string]Record{
		"landline for SMS":  rec("MESAJ", "+902125551212", "ONAY"),
		"service number":    rec("ARAMA", "+904441234", "ONAY"),
		"not normalised":    rec("MESAJ", "0532 123 45 67", "ONAY"),
		"unknown status":    rec("MESAJ", "+905321234567", "BELKI"),
		"unknown type":      rec("FAKS", "+905321234567", "ONAY"),
		"e-mail with quote": rec("EPOSTA", `"a;b"@ornek.com`, "ONAY"),
	}
	for name, r := range cases {
		if err := WriteJSON(&bytes.Buffer{}, []Record{r}); err == nil {
			t.Errorf("%s: written", name)
		}
	}
	many := make([]Record, MaxRecords+1)
	for i := range many {
		many[i] = rec("EPOSTA", "a@b.com.tr", "ONAY")
	}
	if e, ok := AsError(WriteJSON(&bytes.Buffer{}, many)); !ok || e.Code != CodeTooMany {
		t.Errorf("10,001 records: %v, want too_many", e)
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, []Record{rec("MESAJ", "+905321234567", "ONAY")}); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffconsentDate;source;recipient;recipientType;status;type\r\n2026-03-02 10:30:00;HS_WEB;+905321234567;BIREYSEL;ONAY;MESAJ\r\n"
	if b.String() != want {
		t.Errorf("csv:\n%q\nwant\n%q", b.String(), want)
	}
	// What is written reads back the same.
	f, err := Read(&b)
	if err != nil || len(f.Records) != 1 || len(f.Problems) != 0 {
		t.Fatalf("read back: %v %+v", err, f)
	}
	if got := f.Records[0]; got.Recipient != "+905321234567" || !got.ConsentDate.Equal(rec("", "", "").ConsentDate) || got.Row != 1 || got.Line != 2 {
		t.Errorf("read back %+v", got)
	}
}

// CheckBulkFile checks a bulk file against the schema and its count.
func CheckBulkFile(t testing.TB, body []byte, want int) {
	t.Helper()
	n, err := ValidateBulk(body)
	if err != nil || n != want {
		t.Fatalf("bulk file: %d records, %v; want %d\n%.300s", n, err, want, body)
	}
}

func TestValidateBulkRefuses(t *testing.T) {
	for name, body := range map[string]string{
		"extra member":  `{"consents":[],"x":1}`,
		"extra field":   `{"consents":[{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"+905321234567","recipientType":"BIREYSEL","status":"ONAY","type":"MESAJ","x":""}]}`,
		"landline sms":  `{"consents":[{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"+902125551212","recipientType":"BIREYSEL","status":"ONAY","type":"MESAJ"}]}`,
		"iso date":      `{"consents":[{"consentDate":"2026-03-02T10:30:00","source":"HS_WEB","recipient":"+905321234567","recipientType":"BIREYSEL","status":"ONAY","type":"MESAJ"}]}`,
		"short call":    `{"consents":[{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"+904441234","recipientType":"BIREYSEL","status":"ONAY","type":"ARAMA"}]}`,
		"bad e-mail":    `{"consents":[{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"ali","recipientType":"BIREYSEL","status":"ONAY","type":"EPOSTA"}]}`,
		"number status": `{"consents":[{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"+905321234567","recipientType":"BIREYSEL","status":1,"type":"MESAJ"}]}`,
	} {
		if _, err := ValidateBulk([]byte(body)); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
}

func TestReadShapes(t *testing.T) {
	rec := `{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"05321234567","recipientType":"BIREYSEL","status":"RET","type":"MESAJ","retailerCode":null}`
	for name, body := range map[string]string{
		"consents": `{"consents":[` + rec + `]}`,
		"list":     `{"pageInfo":{"page":1},"list":[` + rec + `]}`,
		"array":    "\ufeff[\n" + rec + "\n]",
		"csv ;":    "consentDate;source;recipient;recipientType;status;type\n2026-03-02 10:30:00;HS_WEB;05321234567;BIREYSEL;RET;MESAJ\n",
		"csv ,":    "\ufefftype,status,recipient,recipientType,source,consentDate\r\nmesaj,ret,+90 532 123 45 67,bireysel,HS_WEB,2026-03-02 10:30:00\r\n",
	} {
		f, err := Read(strings.NewReader(body))
		if err != nil || len(f.Records) != 1 || len(f.Problems) != 0 {
			t.Errorf("%s: %v %+v", name, err, f)
			continue
		}
		r := f.Records[0]
		if r.Recipient != "+905321234567" || r.Status != "RET" || r.Type != "MESAJ" || r.Source != "HS_WEB" ||
			r.ConsentDate.UTC().Format(time.DateTime) != "2026-03-02 07:30:00" || r.Row != 1 {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

func TestReadNamesRowAndField(t *testing.T) {
	good := `{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"05321234567","recipientType":"BIREYSEL","status":"ONAY","type":"MESAJ"}`
	body := "{\"consents\": [\n" + good + ",\n" +
		strings.Replace(good, `"MESAJ"`, `"FAKS"`, 1) + ",\n" +
		strings.Replace(good, `"ONAY"`, `"EVET"`, 1) + ",\n" +
		strings.Replace(good, `"HS_WEB"`, `"HS_UYDU"`, 1) + ",\n" +
		strings.Replace(good, `05321234567`, `02125551212`, 1) + ",\n" +
		strings.Replace(good, `2026-03-02 10:30:00`, `2026-02-30 10:30:00`, 1) + ",\n" +
		strings.Replace(good, `"BIREYSEL"`, `1`, 1) + ",\n" +
		"42\n]}"
	f, err := Read(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 {
		t.Errorf("%d good records, want 1", len(f.Records))
	}
	want := []Error{
		{Row: 2, Line: 3, Field: FieldType, Code: CodeType},
		{Row: 3, Line: 4, Field: FieldStatus, Code: CodeStatus},
		{Row: 4, Line: 5, Field: FieldSource, Code: CodeSource},
		{Row: 5, Line: 6, Field: FieldRecipient, Code: CodeRecipient},
		{Row: 6, Line: 7, Field: FieldConsentDate, Code: CodeDate},
		{Row: 7, Line: 8, Field: FieldRecipientType, Code: CodeNotText},
		{Row: 8, Line: 9, Code: CodeShape},
	}
	if len(f.Problems) != len(want) {
		t.Fatalf("problems %v", f.Problems)
	}
	for i, w := range want {
		got := *f.Problems[i]
		got.Value = ""
		if got != w {
			t.Errorf("problem %d: %+v, want %+v", i, got, w)
		}
	}

	csvBody := "consentDate;source;recipient;recipientType;status;type\n2026-03-02 10:30:00;HS_WEB;05321234567;BIREYSEL;ONAY;MESAJ\n\n2026-03-02;HS_WEB;;TACIR;RET;ARAMA\n"
	f, err = Read(strings.NewReader(csvBody))
	if err != nil || len(f.Problems) != 1 {
		t.Fatalf("csv: %v %v", err, f)
	}
	if p := f.Problems[0]; p.Row != 2 || p.Line != 4 || p.Field != FieldRecipient || p.Code != CodeMissing {
		t.Errorf("csv problem %+v", p)
	}
}

func TestReadRefusesBadFiles(t *testing.T) {
	for name, c := range map[string]struct {
		body string
		code string
		line int
	}{
		"broken json":     {"{\"consents\": [\n{\"a\": }\n]}", CodeSyntax, 2},
		"no list":         {`{"items": []}`, CodeShape, 1},
		"number":          {`[1] 2`, CodeSyntax, 1},
		"csv without col": {"consentDate;source;recipient\n", CodeColumns, 1},
		"cp1254":          {"consentDate;source\n\xfe", CodeEncoding, 2},
		"empty":           {"", CodeColumns, 1},
	} {
		_, err := Read(strings.NewReader(c.body))
		e, ok := AsError(err)
		if !ok || e.Code != c.code || e.Line != c.line {
			t.Errorf("%s: %v, want %s at line %d", name, err, c.code, c.line)
		}
	}
	_, err := Read(bytes.NewReader(make([]byte, MaxFileBytes+1)))
	if e, ok := AsError(err); !ok || e.Code != CodeTooLarge {
		t.Errorf("too large: %v", err)
	}
}

// FuzzReadStatusFile feeds the reader anything: it must not panic, every
// error must be an *Error naming a line (and a problem its row), and every
// record it returns must be one İYS takes.
func FuzzReadStatusFile(f *testing.F) {
	f.Add([]byte(`{"consents":[{"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"05321234567","recipientType":"BIREYSEL","status":"ONAY","type":"MESAJ"}]}`))
	f.Add([]byte(`[{"consentDate":1}, null, "x", {"type":"EPOSTA","recipient":"A@B.COM"}]`))
	f.Add([]byte("\ufefftype,status,recipient,recipientType,source,consentDate\r\nMESAJ,RET,5321234567,TACIR,HS_2015,2015-01-01\r\n"))
	f.Add([]byte("consentDate;source;recipient;recipientType;status;type\n\"a\nb\";x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(bytes.NewReader(data))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, p := range file.Problems {
			if p.Row < 1 || p.Line < 1 {
				t.Fatalf("problem without a row: %+v", p)
			}
		}
		for _, r := range file.Records {
			if e := Check(r); e != nil || r.Row < 1 || r.Line < 1 {
				t.Fatalf("record %+v: %v", r, e)
			}
		}
	})
}
