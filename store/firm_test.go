package store

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestFirmFormChecksAndNormalises(t *testing.T) {
	t.Parallel()
	f, errs := ParseFirmForm(url.Values{
		"legal_title": {"  Örnek Yazılım Ticaret A.Ş. "}, "address": {"Atatürk Cad. No: 1\r\nKadıköy / İstanbul"},
		"vkn": {"4540536920"}, "tax_office": {"Kadıköy"}, "iban": {"tr33 0006 1005 1978 6457 8413 26"},
		"phone": {"0216 123 45 67"}, "email": {"Info@ORNEK.com.tr"}, "payment_terms": {"Fatura tarihinden itibaren 30 gün."},
		"payment_days": {"30"},
	})
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	want := FirmSettings{LegalTitle: "Örnek Yazılım Ticaret A.Ş.", Address: "Atatürk Cad. No: 1\nKadıköy / İstanbul", VKN: "4540536920",
		TaxOffice: "Kadıköy", IBAN: "TR330006100519786457841326", Phone: "+902161234567", Email: "Info@ornek.com.tr",
		PaymentTerms: "Fatura tarihinden itibaren 30 gün.", PaymentDays: 30}
	if f != want {
		t.Errorf("parsed\n%+v\nwant\n%+v", f, want)
	}
	if got := want.IBANGroups(); got != "TR33 0006 1005 1978 6457 8413 26" {
		t.Errorf("IBAN groups: %q", got)
	}
	// A sole proprietor's tax number is their TCKN.
	if f, errs := ParseFirmForm(url.Values{"legal_title": {"Ali Veli"}, "vkn": {"10000000146"}}); errs.Err() != nil || f.VKN != "10000000146" {
		t.Errorf("a TCKN as the tax number: %+v, %v", f, errs.Err())
	}
	for _, c := range []struct {
		field, value, key string
	}{
		{"vkn", "4540536921", "error.firm_vkn"},
		{"vkn", "10000000147", "error.firm_vkn"},
		{"iban", "TR340006100519786457841326", "error.iban"},
		{"iban", "TR33000610051978645784132", "error.iban"},
		{"phone", "0532 123 456", "error.phone"},
		{"email", "info@", "error.email"},
		{"payment_days", "366", "error.payment_days"},
		{"payment_days", "-1", "error.payment_days"},
		{"payment_days", "otuz", "error.payment_days"},
		{"legal_title", "", "error.required"},
		{"legal_title", strings.Repeat("a", 251), "error.too_long"},
		{"tax_office", "\xff", "error.text"},
	} {
		form := url.Values{"legal_title": {"Örnek A.Ş."}}
		form.Set(c.field, c.value)
		_, errs := ParseFirmForm(form)
		if got := errs.Fields[c.field].Key; got != c.key {
			t.Errorf("%s = %q: %q, want %q", c.field, c.value, got, c.key)
		}
	}
}

func TestSaveFirmIsTheAdministratorsAndAudited(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	f, err := st.Firm(ctx, fx.me)
	if err != nil || f.PaymentDays != 30 || f.HasLogo() {
		t.Fatalf("the shipped firm row: %+v, %v", f, err)
	}
	in := FirmSettings{LegalTitle: "Örnek Ticaret Ltd. Şti.", VKN: "9876543217", IBAN: "TR84 0001 0000 0001 2345 6789 01", PaymentDays: 45}
	if err := st.SaveFirm(ctx, fx.me, in); !errors.Is(err, ErrForbidden) {
		t.Errorf("a salesperson saves: %v", err)
	}
	bad := in
	bad.IBAN = "TR840001000000012345678902"
	err = st.SaveFirm(ctx, fx.admin, bad)
	expect(t, "a bad IBAN", err, errInvalid, "iban")
	if err := st.SaveFirm(ctx, fx.admin, in); err != nil {
		t.Fatal(err)
	}
	f, _ = st.Firm(ctx, fx.me)
	if f.LegalTitle != in.LegalTitle || f.IBAN != "TR840001000000012345678901" || f.PaymentDays != 45 {
		t.Errorf("saved: %+v", f)
	}
	h, err := st.FirmHistory(ctx, fx.admin, 10)
	if err != nil || len(h) != 1 {
		t.Fatalf("history: %+v, %v", h, err)
	}
	fields := map[string]bool{}
	for _, c := range h[0].Changes {
		fields[c.Field] = true
	}
	if !fields["legal_title"] || !fields["iban"] || !fields["payment_days"] || fields["address"] {
		t.Errorf("changed fields: %v", fields)
	}
	if err := st.SaveFirm(ctx, fx.admin, in); err != nil {
		t.Fatal(err)
	}
	if h, _ := st.FirmHistory(ctx, fx.admin, 10); len(h) != 1 {
		t.Errorf("saving the same again writes no history: %d", len(h))
	}
	if _, err := st.FirmHistory(ctx, fx.me, 10); !errors.Is(err, ErrForbidden) {
		t.Errorf("a salesperson reads the history: %v", err)
	}
}

func testImage(t testing.TB, kind string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 30, 30, 255})
	var buf bytes.Buffer
	var err error
	switch kind {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFirmLogo(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	ctx := context.Background()
	admin := ActorFor(mustAdmin(t, st))
	pngLogo := testImage(t, "png", 120, 40)
	for _, c := range []struct {
		name string
		data []byte
		key  string
	}{
		{"gif", testImage(t, "gif", 10, 10), "error.logo_type"},
		{"text named png", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), "error.logo_type"},
		{"png header only", []byte("\x89PNG\r\n\x1a\nnot really"), "error.logo_type"},
		{"too large", append(pngLogo, make([]byte, MaxLogoBytes)...), "error.logo_too_large"},
		{"empty", []byte{}, "error.logo_empty"},
		{"too wide", testImage(t, "png", maxLogoSide+1, 1), "error.logo_side"},
	} {
		err := st.SetFirmLogo(ctx, admin, c.data)
		if v, ok := AsValidation(err); !ok || v.Fields["logo"].Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
	if data, _, _ := st.FirmLogo(ctx, admin); data != nil {
		t.Fatal("a refused logo was saved")
	}
	for _, c := range []struct {
		kind, mime string
	}{{"png", "image/png"}, {"jpeg", "image/jpeg"}} {
		logo := testImage(t, c.kind, 64, 64)
		if err := st.SetFirmLogo(ctx, admin, logo); err != nil {
			t.Fatalf("%s: %v", c.kind, err)
		}
		data, mime, err := st.FirmLogo(ctx, admin)
		if err != nil || mime != c.mime || !bytes.Equal(data, logo) {
			t.Errorf("%s read back: %s, %v", c.kind, mime, err)
		}
	}
	if err := st.SetFirmLogo(ctx, admin, nil); err != nil {
		t.Fatal(err)
	}
	if f, _ := st.Firm(ctx, admin); f.HasLogo() {
		t.Error("the logo was not removed")
	}
	h, _ := st.FirmHistory(ctx, admin, 10)
	if len(h) != 3 || h[0].Changes[0].Field != "logo" {
		t.Errorf("logo history: %+v", h)
	}
}

func FuzzParseFirmForm(f *testing.F) {
	f.Add("Örnek A.Ş.", "4540536920", "TR33 0006 1005 1978 6457 8413 26", "0532 123 45 67", "a@b.com.tr", "30")
	f.Add("", "10000000146", "tr330006100519786457841326", "+90 (212) 123-45-67", "x", "-0")
	f.Add("\xff", "", "TR", "444 1 234", "@", "99999999999999999999")
	f.Fuzz(func(t *testing.T, title, vkn, iban, phone, email, days string) {
		got, errs := ParseFirmForm(url.Values{"legal_title": {title}, "vkn": {vkn}, "iban": {iban}, "phone": {phone},
			"email": {email}, "payment_days": {days}})
		if errs.Err() != nil {
			return
		}
		// What passes is normalised: parsing it again gives the same.
		again, errs := ParseFirmForm(url.Values{"legal_title": {got.LegalTitle}, "vkn": {got.VKN}, "iban": {got.IBAN},
			"phone": {got.Phone}, "email": {got.Email}, "payment_days": {itoaDays(got, days)}})
		if errs.Err() != nil || again != got {
			t.Fatalf("not stable: %+v then %+v (%v)", got, again, errs.Err())
		}
		if got.PaymentDays < 0 || got.PaymentDays > MaxPaymentDays {
			t.Fatalf("payment days out of range: %d", got.PaymentDays)
		}
	})
}

// itoaDays is the payment days as the form would send them back.
func itoaDays(f FirmSettings, typed string) string {
	if strings.TrimSpace(typed) == "" {
		return ""
	}
	return strconv.Itoa(f.PaymentDays)
}
