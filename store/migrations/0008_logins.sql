-- Login history: every attempt at the web login form, good or bad, so an
-- admin can see who got in from where and spot someone guessing
-- passwords. API token use is not a login and is not recorded here.
-- Append-only like the audit trail: a record of break-in attempts that an
-- intruder could tidy up would be worthless.

CREATE TABLE login_attempts (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    email      TEXT    NOT NULL,                 -- what was typed, even if no such user
    user_id    INTEGER REFERENCES users (id),    -- NULL when the e-mail matched nobody
    ok         INTEGER NOT NULL CHECK (ok IN (0, 1)),
    ip         TEXT    NOT NULL DEFAULT '',
    user_agent TEXT    NOT NULL DEFAULT '',
    reason     TEXT    NOT NULL DEFAULT ''       -- why it failed: bad_password, unknown_user, inactive, rate_limited
) STRICT;

CREATE INDEX login_attempts_at   ON login_attempts (at);
CREATE INDEX login_attempts_user ON login_attempts (user_id, id);

CREATE TRIGGER login_attempts_no_update BEFORE UPDATE ON login_attempts
BEGIN
    SELECT RAISE(ABORT, 'the login history is append-only');
END;

CREATE TRIGGER login_attempts_no_delete BEFORE DELETE ON login_attempts
BEGIN
    SELECT RAISE(ABORT, 'the login history is append-only');
END;
