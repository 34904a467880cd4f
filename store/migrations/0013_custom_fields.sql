-- Custom fields: an administrator's field declarations (see
-- store/customfields.go). Each one is also a real column of its module's
-- table, added with ALTER TABLE when the field is added and dropped when
-- it is removed (after a backup copy of the database is written).
--
-- name is the column: "cf_" and the Turkish label folded to ASCII
-- snake_case, unique in its module. choices is a JSON array of
-- {"value", "tr", "en"} for choice and multi-choice fields, [] otherwise.
-- The flags say whether the field is required, searched, a list column
-- by default, a list filter, and protectable per role (sensitive).

CREATE TABLE custom_fields (
    id         INTEGER PRIMARY KEY,
    module     TEXT    NOT NULL,
    name       TEXT    NOT NULL CHECK (name GLOB 'cf_[a-z0-9]*' AND name NOT GLOB '*[^a-z0-9_]*'),
    kind       TEXT    NOT NULL,
    label_tr   TEXT    NOT NULL,
    label_en   TEXT    NOT NULL DEFAULT '',
    choices    TEXT    NOT NULL DEFAULT '[]',
    required   INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    search     INTEGER NOT NULL DEFAULT 0 CHECK (search IN (0, 1)),
    list       INTEGER NOT NULL DEFAULT 0 CHECK (list IN (0, 1)),
    filter     INTEGER NOT NULL DEFAULT 0 CHECK (filter IN (0, 1)),
    sensitive  INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
    position   INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    created_by INTEGER REFERENCES users (id),
    UNIQUE (module, name)
) STRICT;
