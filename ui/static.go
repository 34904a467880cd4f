package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFiles serves the embedded stylesheet, script and icons under
// fingerprinted URLs (/static/<hash>/<name>): a URL never changes content,
// so browsers may keep it for a year, and a new release gets new URLs.
type staticFiles struct {
	files map[string]staticFile // by name
}

type staticFile struct {
	hash  string
	body  []byte
	ctype string
}

func loadStatic(fsys fs.FS, dir string) (*staticFiles, error) {
	sf := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, dir+"/")
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		sf.files[name] = staticFile{hash: hex.EncodeToString(sum[:])[:12], body: body, ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return sf, nil
}

// url is the fingerprinted address of a static file; a name that does not
// exist is a programming error and shows as such in the page.
func (sf *staticFiles) url(name string) string {
	f, ok := sf.files[name]
	if !ok {
		return "/static/missing/" + name
	}
	return "/static/" + f.hash + "/" + name
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, staticPrefix)
	hash, name, ok := strings.Cut(rest, "/")
	f, found := sf.files[name]
	if !ok || !found || f.hash != hash {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+f.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(f.body)
}
