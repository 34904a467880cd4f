// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp)
// inside a test, on a loopback port, keeping what it receives; it can be
// told to refuse recipients, to hang, or to drop the connection in the
// middle of a message. Only tests import it.
package mailtest

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
}

// Server is an SMTP server listening on 127.0.0.1.
type Server struct {
	Host string
	Port int

	srv *smtp.Server
	ln  net.Listener

	mu       sync.Mutex
	received []Received
	refuse   func(to string) bool
	hang     time.Duration
	drop     int // drop the connection during the next drop messages' DATA
}

// Start runs a server until the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, ln: ln}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	go func() { _ = s.srv.Serve(ln) }()
	tb.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Messages are the messages accepted so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Refuse makes the server refuse (550) every recipient f says so of.
func (s *Server) Refuse(f func(to string) bool) {
	s.mu.Lock()
	s.refuse = f
	s.mu.Unlock()
}

// Hang makes the server wait d before answering each message's DATA.
func (s *Server) Hang(d time.Duration) {
	s.mu.Lock()
	s.hang = d
	s.mu.Unlock()
}

// Drop makes the server close the connection in the middle of the next n
// messages' DATA, accepting none of them.
func (s *Server) Drop(n int) {
	s.mu.Lock()
	s.drop = n
	s.mu.Unlock()
}

type session struct {
	s    *Server
	c    *smtp.Conn
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	refuse := x.s.refuse
	x.s.mu.Unlock()
	if refuse != nil && refuse(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	x.s.mu.Lock()
	hang, drop := x.s.hang, x.s.drop > 0
	if drop {
		x.s.drop--
	}
	x.s.mu.Unlock()
	if drop {
		buf := make([]byte, 64)
		_, _ = io.ReadFull(r, buf)
		_ = x.c.Conn().Close()
		_, _ = io.Copy(io.Discard, r)
		return errors.New("dropped")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if hang > 0 {
		time.Sleep(hang)
	}
	x.s.mu.Lock()
	x.s.received = append(x.s.received, Received{From: x.from, To: x.to, Data: data})
	x.s.mu.Unlock()
	return nil
}
