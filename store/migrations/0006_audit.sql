-- The audit trail: who changed which record, when, and each field from
-- what to what. Append-only: the triggers refuse any change to a written
-- entry, whoever asks, so no screen, API or bug can rewrite history.

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    user_id   INTEGER REFERENCES users (id),
    actor     TEXT    NOT NULL,           -- the name at the time; "system" for the command line
    action    TEXT    NOT NULL,           -- create, update, delete, restore, purge, link, unlink
    module    TEXT    NOT NULL,
    record_id INTEGER NOT NULL,
    changes   TEXT    NOT NULL DEFAULT '' -- JSON: [{"field": …, "old": …, "new": …}]
) STRICT;

CREATE INDEX audit_record ON audit_log (module, record_id, id);
CREATE INDEX audit_user   ON audit_log (user_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
