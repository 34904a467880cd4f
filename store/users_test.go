package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCreateFirstAdminOnlyOnce(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	if has, _ := st.HasUsers(ctx); has {
		t.Fatal("a new database has users")
	}
	u := mustAdmin(t, st)
	if !u.Admin || !u.Active || u.Email != "ayse@firma.com.tr" {
		t.Errorf("first admin: %+v", u)
	}
	_, err := st.CreateFirstAdmin(ctx, NewUser{Name: "B", Email: "b@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
	if !errors.Is(err, ErrSetupDone) {
		t.Errorf("second setup: %v, want ErrSetupDone", err)
	}
}

func TestNewUserValidation(t *testing.T) {
	st := newTestStore(t)
	mustAdmin(t, st)
	sys := SystemActor()
	cases := []struct {
		name string
		in   NewUser
		want map[string]string
	}{
		{"empty", NewUser{}, map[string]string{"name": "error.required", "email": "error.required", "password": "error.required"}},
		{"bad email", NewUser{Name: "X", Email: "not-an-email", Password: goodPassword, PasswordAgain: goodPassword}, map[string]string{"email": "error.email"}},
		{"short", NewUser{Name: "X", Email: "x@y.com.tr", Password: "kısa-şif", PasswordAgain: "kısa-şif"}, map[string]string{"password": "error.password_short"}},
		{"common", NewUser{Name: "X", Email: "x@y.com.tr", Password: "1234567890", PasswordAgain: "1234567890"}, map[string]string{"password": "error.password_common"}},
		{"club", NewUser{Name: "X", Email: "x@y.com.tr", Password: "Galatasaray1905", PasswordAgain: "Galatasaray1905"}, map[string]string{"password": "error.password_common"}},
		{"own e-mail", NewUser{Name: "X", Email: "mehmet.kaya@y.com.tr", Password: "mehmet.kaya1", PasswordAgain: "mehmet.kaya1"}, map[string]string{"password": "error.password_common"}},
		{"repeated", NewUser{Name: "X", Email: "x@y.com.tr", Password: "zzzzzzzzzzzz", PasswordAgain: "zzzzzzzzzzzz"}, map[string]string{"password": "error.password_common"}},
		{"too long", NewUser{Name: "X", Email: "x@y.com.tr", Password: strings.Repeat("ğ", 40), PasswordAgain: strings.Repeat("ğ", 40)}, map[string]string{"password": "error.password_long"}},
		{"mismatch", NewUser{Name: "X", Email: "x@y.com.tr", Password: goodPassword, PasswordAgain: goodPassword + "!"}, map[string]string{"password_again": "error.password_mismatch"}},
		{"taken", NewUser{Name: "X", Email: "AYSE@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword}, map[string]string{"email": "error.email_taken"}},
		{"long name", NewUser{Name: strings.Repeat("a", 101), Email: "x@y.com.tr", Password: goodPassword, PasswordAgain: goodPassword}, map[string]string{"name": "error.too_long"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.CreateUser(context.Background(), sys, c.in)
			v, ok := AsValidation(err)
			if !ok {
				t.Fatalf("err = %v, want a validation error", err)
			}
			for field, key := range c.want {
				if v.Fields[field].Key != key {
					t.Errorf("field %s: %q, want %q (all: %v)", field, v.Fields[field].Key, key, v.Fields)
				}
			}
		})
	}
	// Ten Turkish letters are ten characters, enough.
	if _, err := st.CreateUser(context.Background(), sys, NewUser{Name: "Şükrü Çağlar", Email: "sukru@y.com.tr", Password: "çğıöşüÇĞİÖ", PasswordAgain: "çğıöşüÇĞİÖ"}); err != nil {
		t.Errorf("ten Turkish letters refused: %v", err)
	}
}

func TestCreateUserNeedsAdmin(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	ctx := context.Background()
	clerk, err := st.CreateUser(ctx, ActorFor(admin), NewUser{Name: "Can", Email: "can@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.CreateUser(ctx, ActorFor(clerk), NewUser{Name: "Eda", Email: "eda@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("a non-admin created a user: %v", err)
	}
	if _, err := st.CreateUser(ctx, nil, NewUser{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("no actor: %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	st := newTestStore(t)
	mustAdmin(t, st)
	ctx := context.Background()
	if u, err := st.Authenticate(ctx, "  AYSE@Firma.com.tr ", goodPassword); err != nil || u.Name != "Ayşe Yılmaz" {
		t.Errorf("right password: %v, %v", u, err)
	}
	for _, c := range [][2]string{{"ayse@firma.com.tr", "wrong-password"}, {"nobody@firma.com.tr", goodPassword}, {"", ""}} {
		if _, err := st.Authenticate(ctx, c[0], c[1]); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("Authenticate(%q): %v, want ErrBadCredentials", c[0], err)
		}
	}
	if _, err := st.writer.Exec("UPDATE users SET active = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(ctx, "ayse@firma.com.tr", goodPassword); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("deactivated user logged in: %v", err)
	}
}

func TestSessions(t *testing.T) {
	st := newTestStore(t)
	u := mustAdmin(t, st)
	ctx := context.Background()
	lim := SessionLimits{Idle: time.Hour, Absolute: 3 * time.Hour}
	token, err := st.CreateSession(ctx, u.ID, "192.168.1.5", "test")
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := st.reader.QueryRow("SELECT id FROM sessions").Scan(&stored); err != nil || stored == token {
		t.Fatalf("the raw token is stored (%v)", err)
	}
	if got, err := st.SessionUser(ctx, token, lim); err != nil || got.ID != u.ID {
		t.Fatalf("fresh session: %v, %v", got, err)
	}
	if _, err := st.SessionUser(ctx, token+"x", lim); !errors.Is(err, ErrNotFound) {
		t.Errorf("forged token: %v", err)
	}

	base := time.Now()
	defer func() { now = time.Now }()
	// Active every 50 minutes: the idle limit never bites, the absolute does.
	for i := 1; i <= 3; i++ {
		now = func() time.Time { return base.Add(time.Duration(i) * 50 * time.Minute) }
		if _, err := st.SessionUser(ctx, token, lim); err != nil {
			t.Fatalf("session ended early after %d min: %v", i*50, err)
		}
	}
	now = func() time.Time { return base.Add(3*time.Hour + time.Minute) }
	if _, err := st.SessionUser(ctx, token, lim); !errors.Is(err, ErrNotFound) {
		t.Errorf("session outlived the absolute limit: %v", err)
	}

	now = func() time.Time { return base }
	idle, _ := st.CreateSession(ctx, u.ID, "", "")
	now = func() time.Time { return base.Add(61 * time.Minute) }
	if _, err := st.SessionUser(ctx, idle, lim); !errors.Is(err, ErrNotFound) {
		t.Errorf("session outlived the idle limit: %v", err)
	}

	now = time.Now
	live, _ := st.CreateSession(ctx, u.ID, "", "")
	if err := st.EndSession(ctx, live); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, live, lim); !errors.Is(err, ErrNotFound) {
		t.Errorf("ended session still works: %v", err)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	st := newTestStore(t)
	u := mustAdmin(t, st)
	ctx := context.Background()
	lim := DefaultSessionLimits
	here, _ := st.CreateSession(ctx, u.ID, "", "")
	there, _ := st.CreateSession(ctx, u.ID, "", "")
	a := ActorFor(u)
	err := st.ChangePassword(ctx, a, here, "wrong", "Yeni-Parola-2026", "Yeni-Parola-2026")
	if v, ok := AsValidation(err); !ok || v.Fields["current"].Key != "error.password_wrong" {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := st.ChangePassword(ctx, a, here, goodPassword, "Yeni-Parola-2026", "Yeni-Parola-2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, here, lim); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, err := st.SessionUser(ctx, there, lim); !errors.Is(err, ErrNotFound) {
		t.Errorf("another session survived the password change: %v", err)
	}
	if _, err := st.Authenticate(ctx, u.Email, "Yeni-Parola-2026"); err != nil {
		t.Errorf("new password: %v", err)
	}

	if err := st.ResetPassword(ctx, SystemActor(), u.Email, "Kurtarma-Parola-9", "Kurtarma-Parola-9"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, here, lim); !errors.Is(err, ErrNotFound) {
		t.Errorf("a reset left a session alive: %v", err)
	}
	if err := st.ResetPassword(ctx, SystemActor(), "nobody@x.com", goodPassword, goodPassword); !errors.Is(err, ErrNotFound) {
		t.Errorf("reset of an unknown user: %v", err)
	}
}

func TestProfile(t *testing.T) {
	st := newTestStore(t)
	u := mustAdmin(t, st)
	ctx := context.Background()
	a := ActorFor(u)
	if err := st.UpdateProfile(ctx, a, ProfileInput{Name: "  Ayşe Kaya ", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	got, _ := st.UserByID(ctx, a, u.ID)
	if got.Name != "Ayşe Kaya" || got.Lang != "en" {
		t.Errorf("profile: %+v", got)
	}
	err := st.UpdateProfile(ctx, a, ProfileInput{Name: "", Lang: "de"})
	v, ok := AsValidation(err)
	if !ok || v.Fields["name"].Key != "error.required" || v.Fields["lang"].Key != "error.choice" {
		t.Errorf("bad profile: %v", err)
	}
	if err := st.SetLanguage(ctx, a, "fr"); err == nil {
		t.Error("an unknown language was accepted")
	}
	if _, err := st.UserByID(ctx, a, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}
