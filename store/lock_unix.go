//go:build unix

package store

import (
	"os"

	"golang.org/x/sys/unix"
)

// flock locks are separate from SQLite's own fcntl locks on the .db file,
// which is why the lock lives on a file of its own.
func lockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
}

func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}
