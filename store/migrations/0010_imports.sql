-- Imports: a spreadsheet brought in through the wizard or the command
-- line. The run is kept with what it did to every row, so that its result
-- (created, updated, skipped, failed, with the failed rows' errors) can be
-- read again after the program restarts, and so that the whole import can
-- be undone.

CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    module       TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    format       TEXT    NOT NULL,                -- csv, xlsx, vcf
    encoding     TEXT    NOT NULL DEFAULT '',     -- of a CSV
    separator    TEXT    NOT NULL DEFAULT '',     -- of a CSV
    header       TEXT    NOT NULL,                -- JSON array of the column names
    row_count    INTEGER NOT NULL,
    -- The choices made in the wizard (JSON ImportSettings): which column
    -- goes to which field, the decimal mark, the mode and its key.
    settings     TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'uploaded'
                 CHECK (status IN ('uploaded', 'running', 'done', 'interrupted', 'undone')),
    done_rows    INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    -- created rows that looked like records already there (same TCKN,
    -- phone, …): kept, as the person chose, and listed on the duplicates
    -- page for merging.
    duplicates   INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users (id),   -- NULL for the command line
    created_at   TEXT    NOT NULL,
    finished_at  TEXT    NOT NULL DEFAULT '',
    undone_at    TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX imports_created ON imports (created_by, id);

-- The uploaded file itself, until the run has read it: the wizard's steps
-- are separate requests, possibly after a restart. In a table of its own,
-- as a run updates its import's counts after every batch, and SQLite
-- rewrites a whole row, megabytes of file included, on each update.
CREATE TABLE import_files (
    import_id INTEGER PRIMARY KEY REFERENCES imports (id) ON DELETE CASCADE,
    data      BLOB    NOT NULL
) STRICT;

-- What a run did to a row, for the rows that matter afterwards: updated
-- records (to undo them), skipped rows (to say which record they matched)
-- and failed rows (for the error file). record_id has no foreign key
-- because imports span modules. Created records are in import_created.
CREATE TABLE import_rows (
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row       INTEGER NOT NULL,                   -- the row number Excel shows
    action    TEXT    NOT NULL CHECK (action IN ('updated', 'skipped', 'failed')),
    record_id INTEGER,
    -- updated: JSON {"before": {...}, "after": {...}} of the changed fields;
    -- failed: JSON list of {column, value, key, args}.
    detail    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, row)
) STRICT, WITHOUT ROWID;

-- The records a run created, as ranges of ids: a batch is one
-- transaction on the one writer, so its new ids run without gaps, and a
-- row per record would cost a tenth of a large import.
CREATE TABLE import_created (
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    first_id  INTEGER NOT NULL,
    last_id   INTEGER NOT NULL,
    PRIMARY KEY (import_id, first_id)
) STRICT, WITHOUT ROWID;

-- A mapping saved under a name, offered again for the next file of the
-- same shape: column names (folded) to field names.
CREATE TABLE import_mappings (
    id         INTEGER PRIMARY KEY,
    module     TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    columns    TEXT    NOT NULL,                  -- JSON object
    created_by INTEGER REFERENCES users (id),
    created_at TEXT    NOT NULL,
    UNIQUE (module, name)
) STRICT;

-- Keys of records from another system: an import updating by a column
-- that is not a field ("Müşteri No" of the old program) finds the record it
-- created from that value last time.
CREATE TABLE external_ids (
    module    TEXT    NOT NULL,
    name      TEXT    NOT NULL,                   -- the column's folded name
    value     TEXT    NOT NULL,
    record_id INTEGER NOT NULL,
    PRIMARY KEY (module, name, value)
) STRICT, WITHOUT ROWID;
