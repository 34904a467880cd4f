-- Customers at the centre: the roof table, its side tables, contact
-- persons, assets, and the shared search index.
-- Text columns are '' when empty so that sorting and keyset paging never
-- meet NULL; numbers and references are NULL when empty.

CREATE TABLE customers (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('person', 'company')),
    stage          TEXT    NOT NULL DEFAULT 'customer' CHECK (stage IN ('lead', 'customer', 'former')),
    lead_status    TEXT    NOT NULL DEFAULT '',
    display_name   TEXT    NOT NULL DEFAULT '',
    sort_key       TEXT    NOT NULL DEFAULT '',
    first_name     TEXT    NOT NULL DEFAULT '',
    last_name      TEXT    NOT NULL DEFAULT '',
    tckn           TEXT    NOT NULL DEFAULT '',
    birth_date     TEXT    NOT NULL DEFAULT '',
    title          TEXT    NOT NULL DEFAULT '',
    vkn            TEXT    NOT NULL DEFAULT '',
    tax_office     TEXT    NOT NULL DEFAULT '',
    sector         TEXT    NOT NULL DEFAULT '',
    website        TEXT    NOT NULL DEFAULT '',
    employee_count INTEGER,
    email          TEXT    NOT NULL DEFAULT '',
    phone          TEXT    NOT NULL DEFAULT '',
    province       TEXT    NOT NULL DEFAULT '',
    province_key   TEXT    NOT NULL DEFAULT '',
    district       TEXT    NOT NULL DEFAULT '',
    address        TEXT    NOT NULL DEFAULT '',
    postal_code    TEXT    NOT NULL DEFAULT '',
    source         TEXT    NOT NULL DEFAULT '',
    owner_id       INTEGER REFERENCES users (id),
    notes          TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    deleted_at     TEXT
) STRICT;

-- What the lists sort and filter by, for live records only.
CREATE INDEX customers_name     ON customers (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_kind     ON customers (kind, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_stage    ON customers (stage, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_province ON customers (province, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_province_order ON customers (province_key, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_owner    ON customers (owner_id, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_created  ON customers (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_updated  ON customers (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_deleted  ON customers (deleted_at) WHERE deleted_at IS NOT NULL;
-- What lookups and duplicate checks go by.
CREATE INDEX customers_phone ON customers (phone) WHERE phone <> '';
CREATE INDEX customers_email ON customers (email) WHERE email <> '';
CREATE INDEX customers_tckn  ON customers (tckn) WHERE tckn <> '';
CREATE INDEX customers_vkn   ON customers (vkn) WHERE vkn <> '';

-- More phone numbers of a customer, with labels ("iş", "ev", "muhasebe").
CREATE TABLE customers_phones (
    record_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    label     TEXT    NOT NULL DEFAULT '',
    number    TEXT    NOT NULL,
    PRIMARY KEY (record_id, position)
) STRICT;
CREATE INDEX customers_phones_number ON customers_phones (number);

CREATE TABLE customers_tags (
    record_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag       TEXT    NOT NULL,
    PRIMARY KEY (tag, record_id)
) STRICT;
CREATE INDEX customers_tags_record ON customers_tags (record_id);

-- A person who works for a company: its contact person (yetkili) or the
-- accountant, the buyer, … A person may work for several companies.
CREATE TABLE customer_contacts (
    company_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    PRIMARY KEY (company_id, person_id),
    CHECK (company_id <> person_id)
) STRICT;
CREATE INDEX customer_contacts_person ON customer_contacts (person_id);

CREATE TABLE assets (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    sort_key      TEXT    NOT NULL DEFAULT '',
    serial_no     TEXT    NOT NULL DEFAULT '',
    plate         TEXT    NOT NULL DEFAULT '',
    purchase_date TEXT    NOT NULL DEFAULT '',
    warranty_end  TEXT    NOT NULL DEFAULT '',
    owner_id      INTEGER REFERENCES users (id),
    notes         TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    deleted_at    TEXT
) STRICT;
CREATE INDEX assets_customer ON assets (customer_id);
CREATE INDEX assets_name     ON assets (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_kind     ON assets (kind, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_owner    ON assets (owner_id, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_warranty ON assets (warranty_end, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_created  ON assets (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_updated  ON assets (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_deleted  ON assets (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX assets_plate    ON assets (plate) WHERE plate <> '';
CREATE INDEX assets_serial   ON assets (serial_no) WHERE serial_no <> '';

-- One search index for every module: see store/search.go. Contentless, as
-- the program writes each record's folded text itself.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    prefix = '2 3',
    tokenize = 'unicode61 remove_diacritics 0'
);
