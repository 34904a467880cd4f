package pdfdoc

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	stddraw "image/draw"
	"image/jpeg"
	"image/png"
	"sync"

	"golang.org/x/image/draw"
)

// Logo limits. A logo prints at most logoMaxW × logoMaxH mm; logoMaxPx
// pixels on its long side is well over 500 dpi there, so larger images are
// scaled down before embedding. Images over logoMaxDecode pixels a side are
// refused before decoding: they are mistakes or decompression bombs.
const (
	logoMaxPx     = 1200
	logoMaxDecode = 10000
)

// ErrLogo is returned (wrapped) for a logo that is not a readable PNG or
// JPEG of a sensible size.
var ErrLogo = errors.New("pdfdoc: bad logo")

// logoImage is a logo ready for fpdf: bytes fpdf's own parsers read
// (8-bit, non-interlaced PNG or baseline-compatible JPEG), its type and its
// size in pixels.
type logoImage struct {
	data []byte
	typ  string // "png" or "jpg"
	w, h int
}

// lastLogo keeps the most recently prepared logo: a firm prints every
// document with the same one, and decoding and re-encoding it is a good
// part of rendering a short document. The prepared logo is never changed
// after it is made, so renderers share it.
var lastLogo struct {
	sync.Mutex
	sum  [sha256.Size]byte
	logo *logoImage
}

// cachedLogo is prepareLogo with lastLogo in front.
func cachedLogo(b []byte) (*logoImage, error) {
	sum := sha256.Sum256(b)
	lastLogo.Lock()
	if lastLogo.logo != nil && lastLogo.sum == sum {
		l := lastLogo.logo
		lastLogo.Unlock()
		return l, nil
	}
	lastLogo.Unlock()
	l, err := prepareLogo(b)
	if err != nil {
		return nil, err
	}
	lastLogo.Lock()
	lastLogo.sum, lastLogo.logo = sum, l
	lastLogo.Unlock()
	return l, nil
}

// prepareLogo checks the logo with the standard library's decoders (fpdf's
// parsers handle fewer PNG variants, and a corrupt file must give an
// error, not a broken PDF) and normalises it: PNGs are always re-encoded as
// 8-bit RGB or RGBA, JPEGs pass through unless they are CMYK or too large.
func prepareLogo(b []byte) (*logoImage, error) {
	var typ string
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		typ = "png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		typ = "jpg"
	default:
		return nil, fmt.Errorf("%w: not a PNG or JPEG image", ErrLogo)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLogo, err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > logoMaxDecode || cfg.Height > logoMaxDecode {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrLogo, cfg.Width, cfg.Height)
	}
	var img image.Image
	if typ == "png" {
		img, err = png.Decode(bytes.NewReader(b))
	} else {
		img, err = jpeg.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLogo, err)
	}
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	if typ == "jpg" && max(w, h) <= logoMaxPx {
		switch img.(type) {
		case *image.YCbCr, *image.Gray:
			return &logoImage{data: b, typ: "jpg", w: w, h: h}, nil
		}
	}
	if max(w, h) > logoMaxPx {
		if w >= h {
			w, h = logoMaxPx, max(1, h*logoMaxPx/w)
		} else {
			w, h = max(1, w*logoMaxPx/h), logoMaxPx
		}
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == bounds.Dx() && h == bounds.Dy() {
		stddraw.Draw(dst, dst.Bounds(), img, bounds.Min, stddraw.Src)
	} else {
		draw.BiLinear.Scale(dst, dst.Bounds(), img, bounds, draw.Src, nil)
	}
	var out bytes.Buffer
	if typ == "jpg" {
		// A photo stays a JPEG: as a PNG it would be several times larger.
		if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 90}); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrLogo, err)
		}
	} else if err := png.Encode(&out, dst); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLogo, err)
	}
	return &logoImage{data: out.Bytes(), typ: typ, w: w, h: h}, nil
}
