package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
)

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 80, 30))
	img.Set(1, 1, color.RGBA{10, 90, 120, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadLogo posts a file as the logo form does; token "" sends none.
func (c *client) uploadLogo(token, name string, data []byte) *resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if token != "" {
		if err := mw.WriteField(csrfField, token); err != nil {
			c.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("logo", name)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		c.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url(firmLogoPath), &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestFirmSettingsForm(t *testing.T) {
	e, c := setUp(t)
	r := c.get(firmPath)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("firm.legal_title"), e.tr("firm.vkn_hint"), `name="payment_days"`, `value="30"`, e.tr("firm.logo_none"))
	// Errors name their fields and keep what was typed.
	r = c.submit(firmPath, firmPath, url.Values{"legal_title": {"Örnek Ticaret A.Ş."}, "vkn": {"4540536921"},
		"iban": {"TR34 0006 1005 1978 6457 8413 26"}, "email": {"satis@ornek.com.tr"}, "payment_days": {"400"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.firm_vkn"), e.tr("error.iban"), e.tr("error.payment_days", 365),
		`value="Örnek Ticaret A.Ş."`, `value="TR34 0006 1005 1978 6457 8413 26"`, `value="satis@ornek.com.tr"`, `value="400"`,
		e.tr("form.fix_errors", e.tr("firm.vkn")+", "+e.tr("firm.iban")+", "+e.tr("firm.payment_days")))
	r = c.submit(firmPath, firmPath, url.Values{"legal_title": {"Örnek Ticaret A.Ş."}, "vkn": {"4540536920"},
		"iban": {"tr33 0006 1005 1978 6457 8413 26"}, "phone": {"0216 123 45 67"}, "payment_days": {"45"},
		"payment_terms": {"Havale ile 45 gün."}})
	wantRedirect(t, r, firmPath)
	r = c.get(firmPath)
	wantBody(t, r, e.tr("firm.saved"), `value="TR33 0006 1005 1978 6457 8413 26"`, `value="0216 123 45 67"`, `value="45"`,
		"Havale ile 45 gün.", e.tr("history.title"), e.tr("firm.iban"))

	// The logo: PNG taken and served, anything else refused by content.
	tok := c.token(firmPath)
	wantStatus(t, c.uploadLogo("", "logo.png", testPNG(t)), http.StatusForbidden)
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, image.NewPaletted(image.Rect(0, 0, 4, 4), []color.Color{color.White}), nil); err != nil {
		t.Fatal(err)
	}
	r = c.uploadLogo(tok, "logo.png", gifData.Bytes())
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.logo_type"), `value="Örnek Ticaret A.Ş."`)
	wantStatus(t, c.get(logoPath), http.StatusNotFound)
	wantRedirect(t, c.uploadLogo(tok, "firma.png", testPNG(t)), firmPath+"#logo")
	logo := c.get(logoPath)
	wantStatus(t, logo, http.StatusOK)
	if logo.Header.Get("Content-Type") != "image/png" || logo.Body != string(testPNG(t)) {
		t.Errorf("logo served as %q, %d bytes", logo.Header.Get("Content-Type"), len(logo.Body))
	}
	wantBody(t, c.get(firmPath), `id="firm-logo"`, `src="/firm/logo?v=`)
	r = c.submit(firmPath, firmLogoPath+"/remove", nil)
	wantRedirect(t, r, firmPath+"#logo")
	wantStatus(t, c.get(logoPath), http.StatusNotFound)

	// A salesperson reads the logo (documents show it) but not the page.
	e.addUser("Elif Kaya", "elif@firma.com.tr", "Deniz-Kum-Fener-77")
	s := e.client()
	s.login("elif@firma.com.tr", "Deniz-Kum-Fener-77")
	wantStatus(t, s.get(firmPath), http.StatusNotFound)
	wantStatus(t, s.submit("/", firmPath, url.Values{"legal_title": {"Sızma"}}), http.StatusNotFound)
	wantRedirect(t, c.uploadLogo(c.token(firmPath), "firma.png", testPNG(t)), firmPath+"#logo")
	wantStatus(t, s.get(logoPath), http.StatusOK)
}
