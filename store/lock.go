package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrLocked is returned when another kobicrm server already serves the
// same database file.
var ErrLocked = errors.New("another kobicrm server is using this database")

// ServerLock keeps a second server off the same database. SQLite would
// keep the file consistent with two servers, but two servers would each
// cache sessions and run their own maintenance, and the office would not
// know which address to use. The command line (backup, user, …) does not
// take the lock: it may work beside the running server.
type ServerLock struct {
	f *os.File
}

// LockServer takes the server lock of the database at dbPath, kept on the
// file dbPath+".lock". The operating system releases it when the process
// ends, however it ends, so a crash never leaves a stale lock behind.
// info (the address served) is written into the lock file so that a second
// server can say where the first one is.
func LockServer(dbPath, info string) (*ServerLock, error) {
	name := dbPath + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", name, err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		msg := strings.TrimSpace(string(holder))
		if msg == "" {
			return nil, fmt.Errorf("%w (%s)", ErrLocked, dbPath)
		}
		return nil, fmt.Errorf("%w (%s): %s", ErrLocked, dbPath, msg)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(fmt.Sprintf("pid %d, %s\n", os.Getpid(), info)), 0)
	}
	return &ServerLock{f: f}, nil
}

// Update rewrites the description a second server shows.
func (l *ServerLock) Update(info string) {
	if err := l.f.Truncate(0); err == nil {
		_, _ = l.f.WriteAt([]byte(fmt.Sprintf("pid %d, %s\n", os.Getpid(), info)), 0)
	}
}

// Release gives the lock up.
func (l *ServerLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	// The file stays: removing it would let a server that is starting at
	// this moment lock a file nobody else can find any more.
	_ = l.f.Truncate(0)
	err := unlockFile(l.f)
	err = errors.Join(err, l.f.Close())
	l.f = nil
	return err
}
