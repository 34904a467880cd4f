-- Opportunities (the sales pipeline), their stages, and the firm's own
-- settings (what the firm's documents print: title, tax number, IBAN,
-- logo, payment terms).
-- Text columns are '' when empty (sorting and keyset paging never meet
-- NULL); numbers and references are NULL when empty.

-- The pipeline's stages, an administrator's list: a board column each,
-- in position order. kind says what reaching the stage means: still open,
-- won or lost. A stage is deactivated, never deleted, as opportunities
-- and their histories name it.
CREATE TABLE opportunity_stages (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    probability INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    kind        TEXT    NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    deleted_at  TEXT
) STRICT;
CREATE INDEX opportunity_stages_position ON opportunity_stages (position, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunity_stages_created  ON opportunity_stages (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunity_stages_updated  ON opportunity_stages (updated_at, id) WHERE deleted_at IS NULL;

INSERT INTO opportunity_stages (id, name, position, probability, kind, created_at, updated_at) VALUES
    (1, 'Yeni',       1,  10, 'open', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (2, 'Görüşme',    2,  25, 'open', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (3, 'Teklif',     3,  50, 'open', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (4, 'Pazarlık',   4,  75, 'open', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (5, 'Kazanıldı',  5, 100, 'won',  strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (6, 'Kaybedildi', 6,   0, 'lost', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));

-- An opportunity: a sale the firm hopes to make to a customer. status is
-- its stage's kind, kept beside it (a stage's kind cannot change while
-- opportunities are in it), so that the forecast and the customer page
-- read open ones from an index; closed_at is when it was won or lost.
CREATE TABLE opportunities (
    id             INTEGER PRIMARY KEY,
    title          TEXT    NOT NULL DEFAULT '',
    sort_key       TEXT    NOT NULL DEFAULT '',
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    amount         INTEGER CHECK (amount >= 0), -- kuruş (or the currency's minor unit)
    currency       TEXT    NOT NULL DEFAULT 'TRY',
    expected_close TEXT    NOT NULL DEFAULT '', -- YYYY-MM-DD
    stage_id       INTEGER NOT NULL REFERENCES opportunity_stages (id),
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    lost_reason    TEXT    NOT NULL DEFAULT '',
    owner_id       INTEGER REFERENCES users (id),
    description    TEXT    NOT NULL DEFAULT '',
    closed_at      TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    deleted_at     TEXT
) STRICT;

-- The board: each stage's cards by expected close (open stages) or by
-- when they closed (won and lost), and its count and totals from the
-- index alone; the same for one owner's board.
CREATE INDEX opportunities_board        ON opportunities (stage_id, expected_close, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunities_board_closed ON opportunities (stage_id, closed_at, id) WHERE status <> 'open' AND deleted_at IS NULL;
CREATE INDEX opportunities_stage_totals ON opportunities (stage_id, currency, amount, closed_at, customer_id) WHERE deleted_at IS NULL;
CREATE INDEX opportunities_owner_board  ON opportunities (owner_id, stage_id, expected_close, id) WHERE deleted_at IS NULL;
-- The weighted forecast: open opportunities by expected close.
CREATE INDEX opportunities_forecast     ON opportunities (expected_close, stage_id, currency, amount, owner_id, customer_id) WHERE status = 'open' AND deleted_at IS NULL;
-- The customer's page: open ones first, then the closed, by close date.
CREATE INDEX opportunities_customer     ON opportunities (customer_id, status, expected_close, id) WHERE deleted_at IS NULL;
-- What the list sorts and filters by.
CREATE INDEX opportunities_name         ON opportunities (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunities_close        ON opportunities (expected_close, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunities_status       ON opportunities (status, expected_close, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunities_created      ON opportunities (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunities_updated      ON opportunities (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX opportunities_deleted      ON opportunities (deleted_at) WHERE deleted_at IS NOT NULL;

-- The firm itself: one row, written from the firm settings page.
CREATE TABLE firm (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    legal_title   TEXT    NOT NULL DEFAULT '',
    address       TEXT    NOT NULL DEFAULT '',
    vkn           TEXT    NOT NULL DEFAULT '',
    tax_office    TEXT    NOT NULL DEFAULT '',
    iban          TEXT    NOT NULL DEFAULT '',
    phone         TEXT    NOT NULL DEFAULT '', -- E.164
    email         TEXT    NOT NULL DEFAULT '',
    payment_terms TEXT    NOT NULL DEFAULT '',
    payment_days  INTEGER CHECK (payment_days BETWEEN 0 AND 365),
    logo          BLOB,
    logo_mime     TEXT    NOT NULL DEFAULT '' CHECK (logo_mime IN ('', 'image/png', 'image/jpeg')),
    updated_at    TEXT    NOT NULL,
    updated_by    INTEGER REFERENCES users (id)
) STRICT;
INSERT INTO firm (id, payment_days, updated_at) VALUES (1, 30, strftime('%Y-%m-%dT%H:%M:%fZ'));

-- The shipped roles reach opportunities as they reach customers: an
-- opportunity is within a user's scope when its customer is.
INSERT INTO roles_permissions (record_id, module, item, value)
SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES
    (2, 'opportunities', 'read', 'own'), (2, 'opportunities', 'create', 'own'), (2, 'opportunities', 'edit', 'own'),
    (2, 'opportunities', 'delete', 'own'), (2, 'opportunities', 'export', 'own'),

    (3, 'opportunities', 'read', 'all'), (3, 'opportunities', 'export', 'all'),

    (4, 'opportunities', 'read', 'all'),

    (5, 'opportunities', 'read', 'all'), (5, 'opportunities', 'create', 'own'),

    (6, 'opportunities', 'read', 'all')
) v JOIN roles r ON r.id = v.column1;
