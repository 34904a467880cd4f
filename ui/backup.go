package ui

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

type backupData struct {
	DBPath string
	Now    time.Time
	Safety []option // copies written before custom fields were removed
}

func (s *Server) backupPage(w http.ResponseWriter, r *http.Request) {
	safety, err := s.safetyBackups(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "backup", s.newPage(r, "backup.title", backupData{DBPath: s.store.Path(), Now: time.Now(), Safety: safety}))
}

// backupDownload makes a consistent online copy and sends it to the
// browser as a download; the office keeps working meanwhile.
func (s *Server) backupDownload(w http.ResponseWriter, r *http.Request) {
	dir, err := os.MkdirTemp("", "kobicrm-backup-")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	name := "kobicrm-" + time.Now().Format("2006-01-02-1504") + ".db"
	tmp := filepath.Join(dir, name)
	if err := s.store.Backup(r.Context(), state(r).actor, tmp); err != nil {
		s.serverError(w, r, err)
		return
	}
	f, err := os.Open(tmp)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("backup downloaded", "user", state(r).user.Email, "bytes", info.Size())
	w.Header().Set("Content-Type", "application/vnd.sqlite3")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, name, info.ModTime(), f)
}
