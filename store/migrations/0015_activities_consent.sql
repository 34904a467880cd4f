-- Activities (calls, SMS, e-mails, visits, meetings, tasks, notes), the
-- ETK consent ledger, KVKK texts and what each person was given, İYS
-- export batches and calendar feeds.
-- Text columns are '' when empty (sorting and keyset paging never meet
-- NULL); numbers and references are NULL when empty.

CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
    type           TEXT    NOT NULL CHECK (type IN ('call', 'sms', 'email', 'visit', 'meeting', 'task', 'note')),
    subject        TEXT    NOT NULL DEFAULT '',
    sort_key       TEXT    NOT NULL DEFAULT '',
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- A link to any other record ("opportunities", 12): the module's key
    -- and the record's id, checked by the store as modules arrive.
    related_module TEXT    NOT NULL DEFAULT '',
    related_id     INTEGER,
    status         TEXT    NOT NULL DEFAULT 'done' CHECK (status IN ('planned', 'done', 'cancelled')),
    starts_at      TEXT    NOT NULL DEFAULT '',
    ends_at        TEXT    NOT NULL DEFAULT '',
    direction      TEXT    NOT NULL DEFAULT '',
    purpose        TEXT    NOT NULL DEFAULT '',
    recipient      TEXT    NOT NULL DEFAULT '',
    duration_min   INTEGER,
    outcome        TEXT    NOT NULL DEFAULT '',
    place          TEXT    NOT NULL DEFAULT '',
    priority       TEXT    NOT NULL DEFAULT '',
    consent_task   INTEGER NOT NULL DEFAULT 0,
    reminder_min   INTEGER,
    -- When the reminder is due ('' for none), and the remind_at a reminder
    -- was sent for: a moved meeting reminds again.
    remind_at      TEXT    NOT NULL DEFAULT '',
    reminded_for   TEXT    NOT NULL DEFAULT '',
    owner_id       INTEGER REFERENCES users (id),
    description    TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    deleted_at     TEXT
) STRICT;

-- The 360° timeline, newest first, of one customer (and of one type).
CREATE INDEX activities_customer      ON activities (customer_id, starts_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_customer_type ON activities (customer_id, type, starts_at, id) WHERE deleted_at IS NULL;
-- "Bugün" and the calendar: a user's planned work by time, everyone's by time.
CREATE INDEX activities_owner_open    ON activities (owner_id, status, starts_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_owner_time    ON activities (owner_id, starts_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_time          ON activities (starts_at, id) WHERE deleted_at IS NULL;
-- The calendar's look back for visits and meetings begun before the days
-- shown and still going on: only activities with an end, their end in
-- the index, so the look back reads no rows.
CREATE INDEX activities_owner_spans   ON activities (owner_id, starts_at, ends_at) WHERE ends_at <> '' AND deleted_at IS NULL;
CREATE INDEX activities_reminders     ON activities (remind_at) WHERE remind_at <> '' AND deleted_at IS NULL;
-- What the list sorts by.
CREATE INDEX activities_name          ON activities (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_type          ON activities (type, starts_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_status        ON activities (status, starts_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_created       ON activities (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_updated       ON activities (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_deleted       ON activities (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX activities_related       ON activities (related_module, related_id) WHERE related_id IS NOT NULL;

-- The people of the firm taking part besides the owner.
CREATE TABLE activities_participants (
    record_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    ref_id    INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (record_id, ref_id)
) STRICT;
CREATE INDEX activities_participants_user ON activities_participants (ref_id, record_id);

-- The ETK ledger: one row per decision, never changed. The latest row of
-- a (customer, channel, recipient) by consent_date, then id, is its state.
CREATE TABLE consents (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel        TEXT    NOT NULL CHECK (channel IN ('ARAMA', 'MESAJ', 'EPOSTA')),
    recipient      TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('ONAY', 'RET')),
    source         TEXT    NOT NULL,
    recipient_type TEXT    NOT NULL CHECK (recipient_type IN ('BIREYSEL', 'TACIR')),
    consent_date   TEXT    NOT NULL,
    evidence       TEXT    NOT NULL DEFAULT '',
    recorded_by    INTEGER REFERENCES users (id),
    -- The İYS export batch that handled this record; NULL: none yet.
    iys_export_id  INTEGER REFERENCES iys_exports (id),
    -- Where the record stands with İYS: '' waiting for the next export;
    -- 'sent' in the file of iys_export_id; left out of that file, never to
    -- be offered again, as 'first_ret' (a RET before any ONAY of its
    -- address reached İYS, which İYS refuses) or 'invalid' (an address İYS
    -- does not take for the channel, such as a landline for SMS);
    -- 'received' from an İYS status file, so already known there.
    iys_state      TEXT    NOT NULL DEFAULT '' CHECK (iys_state IN ('', 'sent', 'first_ret', 'invalid', 'received')),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    deleted_at     TEXT
) STRICT;
-- Each address's decisions, the latest first, with what the rule reads:
-- a customer's standing (and a list page's badges) from the index alone
-- (deleted_at is a column too, or SQLite would read the rows to test it).
CREATE INDEX consents_state      ON consents (customer_id, channel, recipient, consent_date DESC, id DESC, status, recipient_type, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX consents_recipient  ON consents (recipient, channel);
-- The records waiting for the next İYS export, oldest first.
CREATE INDEX consents_unexported ON consents (consent_date, id) WHERE iys_state = '' AND deleted_at IS NULL;
-- The ONAY records among them, which turn late: the home page counts them
-- from the index alone.
CREATE INDEX consents_unexported_onay ON consents (consent_date) WHERE iys_state = '' AND status = 'ONAY' AND deleted_at IS NULL;
CREATE INDEX consents_export     ON consents (iys_export_id) WHERE iys_export_id IS NOT NULL;
CREATE INDEX consents_created    ON consents (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX consents_updated    ON consents (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX consents_date       ON consents (consent_date, id) WHERE deleted_at IS NULL;
CREATE INDEX consents_deleted    ON consents (deleted_at) WHERE deleted_at IS NOT NULL;

-- An İYS bulk file as it was made, to be downloaded again.
CREATE TABLE iys_exports (
    id         INTEGER PRIMARY KEY,
    created_at TEXT    NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    records    INTEGER NOT NULL, -- in the file
    left_out   INTEGER NOT NULL DEFAULT 0, -- handled by the batch but not in the file
    body       TEXT    NOT NULL
) STRICT;

-- KVKK texts: the privacy notice (aydınlatma) and the explicit-consent
-- text (açık rıza), each saved as a new version, never changed.
CREATE TABLE kvkk_texts (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('notice', 'consent')),
    version    INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    created_by INTEGER REFERENCES users (id),
    UNIQUE (kind, version)
) STRICT;

-- What each person was given or gave: a notice version handed over, an
-- explicit consent to analysis given or withdrawn. Append-only; the latest
-- consent event is the state.
CREATE TABLE kvkk_events (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('notice', 'consent_given', 'consent_withdrawn')),
    text_id     INTEGER REFERENCES kvkk_texts (id),
    at          TEXT    NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
) STRICT;
CREATE INDEX kvkk_events_customer ON kvkk_events (customer_id, kind, at, id);
-- A customer's latest consent event, the state that analysis filters by
-- (store.AnalysableCond), as one seek: the query's condition on kind is
-- written exactly as this WHERE.
CREATE INDEX kvkk_events_consent ON kvkk_events (customer_id, at, id) WHERE kind IN ('consent_given', 'consent_withdrawn');

-- A user's calendar feed: the hash of the secret in its URL. Making a new
-- one revokes the old.
CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL
) STRICT;

-- The shipped roles reach the new modules as they reach customers (those
-- of them still there: an administrator may have purged one).
INSERT INTO roles_permissions (record_id, module, item, value)
SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES
    (2, 'activities', 'read', 'own'), (2, 'activities', 'create', 'own'), (2, 'activities', 'edit', 'own'),
    (2, 'activities', 'delete', 'own'), (2, 'activities', 'export', 'own'),
    (2, 'consents', 'read', 'own'), (2, 'consents', 'create', 'own'),

    (3, 'activities', 'read', 'all'), (3, 'activities', 'create', 'own'), (3, 'activities', 'edit', 'own'),
    (3, 'activities', 'export', 'all'),
    (3, 'consents', 'read', 'all'), (3, 'consents', 'create', 'all'), (3, 'consents', 'export', 'all'),
    (3, 'consents', 'import', 'all'),

    (4, 'activities', 'read', 'all'), (4, 'activities', 'create', 'own'), (4, 'activities', 'edit', 'own'),
    (4, 'activities', 'delete', 'own'),
    (4, 'consents', 'read', 'all'), (4, 'consents', 'create', 'all'),

    (5, 'activities', 'read', 'all'), (5, 'activities', 'create', 'own'), (5, 'activities', 'edit', 'own'),
    (5, 'consents', 'read', 'all'), (5, 'consents', 'create', 'all'),

    (6, 'activities', 'read', 'all'), (6, 'consents', 'read', 'all')
) v JOIN roles r ON r.id = v.column1;

-- A customer's ETK standing at its main addresses (the phone for calls
-- and SMS, the e-mail): the status of the latest decision, '' for none.
-- Triggers keep it on every write path (forms, the API, imports, merges),
-- so that a list's badges, and later a campaign's consent filter, read it
-- from the customer's own row instead of the ledger. The rule itself
-- (store/consents.go) still reads the ledger.
ALTER TABLE customers ADD COLUMN etk_arama  TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN etk_mesaj  TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN etk_eposta TEXT NOT NULL DEFAULT '';

-- Each customer's standing as the ledger gives it; the triggers copy it.
CREATE VIEW customer_etk_standing AS
SELECT t.id,
    COALESCE((SELECT c.status FROM consents c WHERE c.customer_id = t.id AND c.channel = 'ARAMA'
        AND c.recipient = t.phone AND c.deleted_at IS NULL ORDER BY c.consent_date DESC, c.id DESC LIMIT 1), '') AS arama,
    COALESCE((SELECT c.status FROM consents c WHERE c.customer_id = t.id AND c.channel = 'MESAJ'
        AND c.recipient = t.phone AND c.deleted_at IS NULL ORDER BY c.consent_date DESC, c.id DESC LIMIT 1), '') AS mesaj,
    COALESCE((SELECT c.status FROM consents c WHERE c.customer_id = t.id AND c.channel = 'EPOSTA'
        AND c.recipient = t.email AND c.deleted_at IS NULL ORDER BY c.consent_date DESC, c.id DESC LIMIT 1), '') AS eposta
FROM customers t;

CREATE TRIGGER consents_standing_insert AFTER INSERT ON consents BEGIN
    UPDATE customers SET (etk_arama, etk_mesaj, etk_eposta) =
        (SELECT arama, mesaj, eposta FROM customer_etk_standing s WHERE s.id = customers.id)
    WHERE id = NEW.customer_id;
END;

-- A merge moves the other record's decisions to the one kept.
CREATE TRIGGER consents_standing_move AFTER UPDATE OF customer_id ON consents BEGIN
    UPDATE customers SET (etk_arama, etk_mesaj, etk_eposta) =
        (SELECT arama, mesaj, eposta FROM customer_etk_standing s WHERE s.id = customers.id)
    WHERE id IN (OLD.customer_id, NEW.customer_id);
END;

-- A new main phone or e-mail has the standing the ledger gives it.
CREATE TRIGGER customers_standing_address AFTER UPDATE OF phone, email ON customers
WHEN OLD.phone IS NOT NEW.phone OR OLD.email IS NOT NEW.email BEGIN
    UPDATE customers SET (etk_arama, etk_mesaj, etk_eposta) =
        (SELECT arama, mesaj, eposta FROM customer_etk_standing s WHERE s.id = customers.id)
    WHERE id = NEW.id;
END;
