-- After-sales service: service requests (istek, öneri, şikayet) with
-- their SLA clock, the desk's lists (categories, targets per priority,
-- working hours, holidays) and the knowledge base.
-- Text columns are '' when empty (sorting and keyset paging never meet
-- NULL); numbers and references are NULL when empty.

-- The categories of requests and articles, an administrator's list.
CREATE TABLE service_categories (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL DEFAULT '',
    sort_key   TEXT    NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE INDEX service_categories_name    ON service_categories (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX service_categories_created ON service_categories (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_categories_updated ON service_categories (updated_at, id) WHERE deleted_at IS NULL;
INSERT INTO service_categories (name, sort_key, created_at, updated_at) VALUES
    ('Arıza', '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Bakım', '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Fatura ve ödeme', '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Garanti', '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Teslimat', '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Diğer', '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));

-- Targets per priority, in business hours: the first response and the
-- resolution.
CREATE TABLE service_sla (
    id             INTEGER PRIMARY KEY,
    priority       TEXT    NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    response_hours INTEGER CHECK (response_hours > 0),
    resolve_hours  INTEGER CHECK (resolve_hours > 0),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    deleted_at     TEXT
) STRICT;
CREATE UNIQUE INDEX service_sla_priority ON service_sla (priority) WHERE deleted_at IS NULL;
CREATE INDEX service_sla_created ON service_sla (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_sla_updated ON service_sla (updated_at, id) WHERE deleted_at IS NULL;
INSERT INTO service_sla (priority, response_hours, resolve_hours, created_at, updated_at) VALUES
    ('urgent', 1, 4, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('high', 2, 9, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('normal', 4, 27, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('low', 9, 45, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));

-- The desk's working hours per weekday (1 Monday … 7 Sunday), HH:MM in
-- Istanbul time; a day with no hours is a day off.
CREATE TABLE service_hours (
    id         INTEGER PRIMARY KEY,
    weekday    TEXT    NOT NULL CHECK (weekday IN ('1', '2', '3', '4', '5', '6', '7')),
    opens      TEXT    NOT NULL DEFAULT '',
    closes     TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE UNIQUE INDEX service_hours_weekday ON service_hours (weekday) WHERE deleted_at IS NULL;
CREATE INDEX service_hours_created ON service_hours (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_hours_updated ON service_hours (updated_at, id) WHERE deleted_at IS NULL;
INSERT INTO service_hours (weekday, opens, closes, created_at, updated_at)
SELECT v.column1, v.column2, v.column3, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ') FROM (VALUES
    ('1', '09:00', '18:00'), ('2', '09:00', '18:00'), ('3', '09:00', '18:00'), ('4', '09:00', '18:00'),
    ('5', '09:00', '18:00'), ('6', '', ''), ('7', '', '')) v;

-- Public holidays: yearly ones fall on their month and day every year
-- (Turkey's fixed-date holidays, shipped); the religious holidays move,
-- so an administrator enters each year's dates. A half day's work ends
-- at 13:00 (the eve of Republic Day).
CREATE TABLE service_holidays (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL DEFAULT '',
    day        TEXT    NOT NULL DEFAULT '', -- YYYY-MM-DD
    yearly     INTEGER NOT NULL DEFAULT 0 CHECK (yearly IN (0, 1)),
    half_day   INTEGER NOT NULL DEFAULT 0 CHECK (half_day IN (0, 1)),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE INDEX service_holidays_day     ON service_holidays (day, id) WHERE deleted_at IS NULL;
CREATE INDEX service_holidays_created ON service_holidays (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_holidays_updated ON service_holidays (updated_at, id) WHERE deleted_at IS NULL;
INSERT INTO service_holidays (name, day, yearly, half_day, created_at, updated_at)
SELECT v.column1, v.column2, 1, v.column3, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ') FROM (VALUES
    ('Yılbaşı', '2026-01-01', 0),
    ('Ulusal Egemenlik ve Çocuk Bayramı', '2026-04-23', 0),
    ('Emek ve Dayanışma Günü', '2026-05-01', 0),
    ('Atatürk''ü Anma, Gençlik ve Spor Bayramı', '2026-05-19', 0),
    ('Demokrasi ve Millî Birlik Günü', '2026-07-15', 0),
    ('Zafer Bayramı', '2026-08-30', 0),
    ('Cumhuriyet Bayramı arifesi (yarım gün)', '2026-10-28', 1),
    ('Cumhuriyet Bayramı', '2026-10-29', 0)) v;

-- The knowledge base: answers the desk gives again and again.
CREATE TABLE kb_articles (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL DEFAULT '',
    sort_key    TEXT    NOT NULL DEFAULT '',
    category_id INTEGER REFERENCES service_categories (id),
    body        TEXT    NOT NULL DEFAULT '',
    published   INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    deleted_at  TEXT
) STRICT;
CREATE INDEX kb_articles_name     ON kb_articles (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX kb_articles_category ON kb_articles (category_id, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX kb_articles_created  ON kb_articles (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX kb_articles_updated  ON kb_articles (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX kb_articles_deleted  ON kb_articles (deleted_at) WHERE deleted_at IS NOT NULL;

-- A service request. The SLA clock: opened_at starts it, waiting_since
-- marks a pause (status waiting_customer), paused_min is the business
-- time paused so far, and the two due times are recomputed from them on
-- every change (UTC, YYYY-MM-DDTHH:MM:SSZ).
CREATE TABLE service_requests (
    id              INTEGER PRIMARY KEY,
    subject         TEXT    NOT NULL DEFAULT '',
    sort_key        TEXT    NOT NULL DEFAULT '',
    type            TEXT    NOT NULL DEFAULT 'istek' CHECK (type IN ('istek', 'oneri', 'sikayet')),
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    asset_id        INTEGER REFERENCES assets (id),
    channel         TEXT    NOT NULL DEFAULT 'telefon' CHECK (channel IN ('telefon', 'eposta', 'magaza', 'web')),
    priority        TEXT    NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    category_id     INTEGER REFERENCES service_categories (id),
    assignee_id     INTEGER REFERENCES users (id),
    team_id         INTEGER REFERENCES teams (id),
    status          TEXT    NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assigned', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
    description     TEXT    NOT NULL DEFAULT '',
    resolution      TEXT    NOT NULL DEFAULT '',
    satisfaction    INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    opened_at       TEXT    NOT NULL DEFAULT '',
    responded_at    TEXT    NOT NULL DEFAULT '',
    resolved_at     TEXT    NOT NULL DEFAULT '',
    closed_at       TEXT    NOT NULL DEFAULT '',
    waiting_since   TEXT    NOT NULL DEFAULT '',
    paused_min      INTEGER CHECK (paused_min >= 0),
    response_due_at TEXT    NOT NULL DEFAULT '',
    resolve_due_at  TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    deleted_at      TEXT
) STRICT;

-- The knowledge base articles linked to a request.
CREATE TABLE service_requests_articles (
    record_id INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE CASCADE,
    ref_id    INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, ref_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX service_requests_articles_ref ON service_requests_articles (ref_id, record_id);

-- The queues read open requests (not resolved or closed) by due time: my
-- requests, a team's, the unassigned, the overdue (waiting ones are paused).
CREATE INDEX service_requests_mine       ON service_requests (assignee_id, resolve_due_at, id)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_customer') AND deleted_at IS NULL;
CREATE INDEX service_requests_team       ON service_requests (team_id, resolve_due_at, id)
    WHERE status IN ('new', 'assigned', 'in_progress', 'waiting_customer') AND deleted_at IS NULL;
CREATE INDEX service_requests_unassigned ON service_requests (resolve_due_at, id)
    WHERE assignee_id IS NULL AND status IN ('new', 'assigned', 'in_progress', 'waiting_customer') AND deleted_at IS NULL;
CREATE INDEX service_requests_running    ON service_requests (resolve_due_at, id)
    WHERE status IN ('new', 'assigned', 'in_progress') AND deleted_at IS NULL;
-- The customer's page, newest first.
CREATE INDEX service_requests_customer   ON service_requests (customer_id, created_at, id) WHERE deleted_at IS NULL;
-- What the list sorts and filters by.
CREATE INDEX service_requests_name       ON service_requests (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX service_requests_resolve    ON service_requests (resolve_due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_requests_response   ON service_requests (response_due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_requests_status     ON service_requests (status, resolve_due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_requests_assignee   ON service_requests (assignee_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_requests_asset      ON service_requests (asset_id) WHERE asset_id IS NOT NULL;
CREATE INDEX service_requests_created    ON service_requests (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_requests_updated    ON service_requests (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX service_requests_deleted    ON service_requests (deleted_at) WHERE deleted_at IS NOT NULL;

-- The shipped roles: the service desk works every request and writes
-- the knowledge base; the call centre opens requests; sales follows its
-- customers' requests; everyone else reads.
INSERT INTO roles_permissions (record_id, module, item, value)
SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES
    (2, 'service_requests', 'read', 'own'), (2, 'service_requests', 'create', 'own'),
    (2, 'kb_articles', 'read', 'all'),

    (3, 'service_requests', 'read', 'all'), (3, 'kb_articles', 'read', 'all'),

    (4, 'service_requests', 'read', 'all'), (4, 'service_requests', 'create', 'all'), (4, 'service_requests', 'edit', 'all'),
    (4, 'service_requests', 'delete', 'team'), (4, 'service_requests', 'export', 'all'),
    (4, 'kb_articles', 'read', 'all'), (4, 'kb_articles', 'create', 'all'), (4, 'kb_articles', 'edit', 'all'),
    (4, 'kb_articles', 'delete', 'all'),

    (5, 'service_requests', 'read', 'all'), (5, 'service_requests', 'create', 'all'), (5, 'kb_articles', 'read', 'all'),

    (6, 'service_requests', 'read', 'all'), (6, 'kb_articles', 'read', 'all')
) v JOIN roles r ON r.id = v.column1;
