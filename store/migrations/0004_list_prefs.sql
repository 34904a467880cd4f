-- Per-user list settings: which columns a list shows, and saved filters
-- ("görünümler"). Each belongs to one user and goes with them.

CREATE TABLE list_columns (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    list    TEXT    NOT NULL,
    columns TEXT    NOT NULL,
    PRIMARY KEY (user_id, list)
) STRICT;

CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    list       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    query      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (user_id, list, name)
) STRICT;
