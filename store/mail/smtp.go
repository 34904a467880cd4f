package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"time"
)

// Security is how the connection to the SMTP server is protected.
const (
	SecurityStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587)
	SecurityTLS      = "tls"      // TLS from the first byte (port 465)
	SecurityNone     = "none"     // no encryption (a server on the office LAN)
)

// Securities are the choices in the order the settings page offers them.
var Securities = []string{SecurityStartTLS, SecurityTLS, SecurityNone}

// Server is where and how to send.
type Server struct {
	Host     string
	Port     int
	Security string
	User     string // no login when ""
	Password string
	// Timeout bounds connecting and each message's exchange; 0: 30 s.
	Timeout time.Duration
	// TLSConfig, when set, replaces the default (the tests' own CA).
	TLSConfig *tls.Config
}

// Conn is a connection to an SMTP server kept open across messages and
// made again after an error. Not safe for concurrent use.
type Conn struct {
	srv  Server
	conn net.Conn
	c    *smtp.Client
}

// NewConn prepares a connection; it dials on the first Send.
func NewConn(srv Server) *Conn { return &Conn{srv: srv} }

func (k *Conn) timeout() time.Duration {
	if k.srv.Timeout > 0 {
		return k.srv.Timeout
	}
	return 30 * time.Second
}

func (k *Conn) tlsConfig() *tls.Config {
	if k.srv.TLSConfig != nil {
		return k.srv.TLSConfig
	}
	return &tls.Config{ServerName: k.srv.Host, MinVersion: tls.VersionTLS12}
}

func (k *Conn) dial() error {
	addr := net.JoinHostPort(k.srv.Host, strconv.Itoa(k.srv.Port))
	d := &net.Dialer{Timeout: k.timeout()}
	var conn net.Conn
	var err error
	if k.srv.Security == SecurityTLS {
		conn, err = tls.DialWithDialer(d, "tcp", addr, k.tlsConfig())
	} else {
		conn, err = d.Dial("tcp", addr)
	}
	if err != nil {
		return err
	}
	_ = conn.SetDeadline(time.Now().Add(k.timeout()))
	c, err := smtp.NewClient(conn, k.srv.Host)
	if err != nil {
		conn.Close()
		return err
	}
	if err := c.Hello("kobicrm.local"); err != nil {
		c.Close()
		return err
	}
	if k.srv.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			c.Close()
			return errors.New("the server does not offer STARTTLS")
		}
		if err := c.StartTLS(k.tlsConfig()); err != nil {
			c.Close()
			return err
		}
	}
	if k.srv.User != "" {
		// net/smtp's PLAIN refuses to send a password over an unencrypted
		// connection to anything but localhost.
		if err := c.Auth(smtp.PlainAuth("", k.srv.User, k.srv.Password, k.srv.Host)); err != nil {
			c.Close()
			return err
		}
	}
	k.conn, k.c = conn, c
	return nil
}

// Send sends one message, dialling first when there is no connection.
// After any error the connection is dropped and the next Send dials anew.
func (k *Conn) Send(from, to string, msg []byte) (err error) {
	if k.c == nil {
		if err := k.dial(); err != nil {
			return fmt.Errorf("connect to %s:%d: %w", k.srv.Host, k.srv.Port, err)
		}
	} else if err := k.c.Reset(); err != nil {
		k.Close()
		if err := k.dial(); err != nil {
			return fmt.Errorf("connect to %s:%d: %w", k.srv.Host, k.srv.Port, err)
		}
	}
	defer func() {
		if err != nil {
			k.Close()
		}
	}()
	_ = k.conn.SetDeadline(time.Now().Add(k.timeout()))
	if err := k.c.Mail(from); err != nil {
		return err
	}
	if err := k.c.Rcpt(to); err != nil {
		return err
	}
	w, err := k.c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// Close ends the connection (QUIT when it is still alive).
func (k *Conn) Close() {
	if k.c != nil {
		_ = k.conn.SetDeadline(time.Now().Add(2 * time.Second))
		if err := k.c.Quit(); err != nil {
			k.c.Close()
		}
	}
	k.c, k.conn = nil, nil
}
