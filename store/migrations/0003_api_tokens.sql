-- API tokens: a user makes them on the profile page (or the command line
-- makes one for them) for programs that call the JSON API. The token is
-- shown once; we keep only its SHA-256, like the login sessions, so a copy
-- of the database lets nobody in. Revoking deletes the row.

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
