-- Sales: products, the KDV rate table, numbering series, quotes → orders
-- → invoices with their lines, and payments against invoices (see
-- store/sales.go). Money is an integer count of kuruş (or the currency's
-- minor unit); rates and discounts are basis points (2000 = 20 %);
-- quantities are thousandths (1,5 = 1500). Text columns are '' when
-- empty; numbers and references are NULL when empty.

-- The KDV rates in force, an administrator's list (rates change by
-- decree). A document line keeps the rate it was written with, so a
-- later change never alters a document. 0 % needs the exemption reason
-- the document prints.
CREATE TABLE kdv_rates (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL DEFAULT '',
    rate             INTEGER NOT NULL DEFAULT 0 CHECK (rate BETWEEN 0 AND 10000),
    exemption_reason TEXT    NOT NULL DEFAULT '',
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    deleted_at       TEXT
) STRICT;
CREATE INDEX kdv_rates_name    ON kdv_rates (name, id) WHERE deleted_at IS NULL;
CREATE INDEX kdv_rates_created ON kdv_rates (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX kdv_rates_updated ON kdv_rates (updated_at, id) WHERE deleted_at IS NULL;

INSERT INTO kdv_rates (id, name, rate, exemption_reason, created_at, updated_at) VALUES
    (1, 'Genel oran %20',      2000, '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (2, 'İndirimli oran %10',  1000, '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (3, 'İndirimli oran %1',    100, '', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (4, 'İstisna %0',             0, 'KDV Kanunu 11/1-a: mal ihracatı istisnası', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));

-- Products and services the firm sells.
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL DEFAULT '',
    name        TEXT    NOT NULL DEFAULT '',
    sort_key    TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    unit        TEXT    NOT NULL DEFAULT 'adet',
    unit_price  INTEGER CHECK (unit_price >= 0),
    currency    TEXT    NOT NULL DEFAULT 'TRY',
    kdv_rate_id INTEGER REFERENCES kdv_rates (id),
    category    TEXT    NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    deleted_at  TEXT
) STRICT;
CREATE INDEX products_name     ON products (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX products_code     ON products (code, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category ON products (category, id) WHERE deleted_at IS NULL;
CREATE INDEX products_active   ON products (active, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX products_created  ON products (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_updated  ON products (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_deleted  ON products (deleted_at) WHERE deleted_at IS NOT NULL;

-- A numbering series per document type: the prefix an administrator
-- chooses. The counters are per prefix and year, so that changing the
-- prefix or a new year starts a series of its own at 1, and a number is
-- never given twice.
CREATE TABLE number_series (
    id         INTEGER PRIMARY KEY,
    doc_type   TEXT    NOT NULL UNIQUE CHECK (doc_type IN ('quotes', 'orders', 'invoices')),
    prefix     TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE INDEX number_series_created ON number_series (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX number_series_updated ON number_series (updated_at, id) WHERE deleted_at IS NULL;
INSERT INTO number_series (id, doc_type, prefix, created_at, updated_at) VALUES
    (1, 'quotes',   'TKL', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (2, 'orders',   'SIP', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (3, 'invoices', 'FTR', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));

-- The last number given per document type, prefix and year; taken and
-- raised inside the write transaction that creates the document.
CREATE TABLE number_counters (
    doc_type TEXT    NOT NULL,
    prefix   TEXT    NOT NULL,
    year     INTEGER NOT NULL,
    last     INTEGER NOT NULL CHECK (last >= 0),
    PRIMARY KEY (doc_type, prefix, year)
) STRICT, WITHOUT ROWID;

-- Quotes (teklif). status: draft → sent → accepted / rejected / expired.
-- The totals are computed by the store from the lines on every save.
CREATE TABLE quotes (
    id              INTEGER PRIMARY KEY,
    number          TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL DEFAULT '',
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    contact_id      INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    opportunity_id  INTEGER REFERENCES opportunities (id) ON DELETE SET NULL,
    owner_id        INTEGER REFERENCES users (id),
    issue_date      TEXT    NOT NULL DEFAULT '',
    valid_until     TEXT    NOT NULL DEFAULT '',
    payment_terms   TEXT    NOT NULL DEFAULT '',
    currency        TEXT    NOT NULL DEFAULT 'TRY',
    notes           TEXT    NOT NULL DEFAULT '',
    discount_amount INTEGER CHECK (discount_amount >= 0),
    status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'accepted', 'rejected', 'expired')),
    subtotal        INTEGER NOT NULL DEFAULT 0,
    discount_total  INTEGER NOT NULL DEFAULT 0,
    kdv_total       INTEGER NOT NULL DEFAULT 0,
    grand_total     INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE UNIQUE INDEX quotes_number_unique ON quotes (number) WHERE number <> '';
CREATE INDEX quotes_number   ON quotes (number, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_issued   ON quotes (issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_valid    ON quotes (valid_until, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_status   ON quotes (status, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_customer ON quotes (customer_id, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_owner    ON quotes (owner_id, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_opportunity ON quotes (opportunity_id) WHERE opportunity_id IS NOT NULL;
CREATE INDEX quotes_contact  ON quotes (contact_id) WHERE contact_id IS NOT NULL;
-- ExpireQuotes: open quotes past their validity.
CREATE INDEX quotes_expiring ON quotes (valid_until, id) WHERE status IN ('draft', 'sent') AND deleted_at IS NULL;
CREATE INDEX quotes_created  ON quotes (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_updated  ON quotes (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_deleted  ON quotes (deleted_at) WHERE deleted_at IS NOT NULL;

-- Orders (sipariş). status: open → delivered → completed, or cancelled.
CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    number          TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL DEFAULT '',
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    contact_id      INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    quote_id        INTEGER REFERENCES quotes (id) ON DELETE SET NULL,
    owner_id        INTEGER REFERENCES users (id),
    issue_date      TEXT    NOT NULL DEFAULT '',
    delivery_date   TEXT    NOT NULL DEFAULT '',
    payment_terms   TEXT    NOT NULL DEFAULT '',
    currency        TEXT    NOT NULL DEFAULT 'TRY',
    notes           TEXT    NOT NULL DEFAULT '',
    discount_amount INTEGER CHECK (discount_amount >= 0),
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'delivered', 'completed', 'cancelled')),
    subtotal        INTEGER NOT NULL DEFAULT 0,
    discount_total  INTEGER NOT NULL DEFAULT 0,
    kdv_total       INTEGER NOT NULL DEFAULT 0,
    grand_total     INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE UNIQUE INDEX orders_number_unique ON orders (number) WHERE number <> '';
CREATE INDEX orders_number   ON orders (number, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_issued   ON orders (issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_delivery ON orders (delivery_date, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_status   ON orders (status, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_customer ON orders (customer_id, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_owner    ON orders (owner_id, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_quote    ON orders (quote_id) WHERE quote_id IS NOT NULL;
CREATE INDEX orders_contact  ON orders (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX orders_created  ON orders (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_updated  ON orders (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX orders_deleted  ON orders (deleted_at) WHERE deleted_at IS NOT NULL;

-- Invoices (fatura). status: draft → issued → partly_paid / paid, or
-- cancelled. An issued invoice is never edited or deleted: it is
-- cancelled, and reissued as a new draft that names it (reissued_from).
-- paid_total is the sum of its live payments, kept by the store.
CREATE TABLE invoices (
    id              INTEGER PRIMARY KEY,
    number          TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL DEFAULT '',
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    contact_id      INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    order_id        INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    reissued_from   INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    owner_id        INTEGER REFERENCES users (id),
    issue_date      TEXT    NOT NULL DEFAULT '',
    due_date        TEXT    NOT NULL DEFAULT '',
    payment_terms   TEXT    NOT NULL DEFAULT '',
    currency        TEXT    NOT NULL DEFAULT 'TRY',
    notes           TEXT    NOT NULL DEFAULT '',
    discount_amount INTEGER CHECK (discount_amount >= 0),
    status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'partly_paid', 'paid', 'cancelled')),
    subtotal        INTEGER NOT NULL DEFAULT 0,
    discount_total  INTEGER NOT NULL DEFAULT 0,
    kdv_total       INTEGER NOT NULL DEFAULT 0,
    grand_total     INTEGER NOT NULL DEFAULT 0,
    paid_total      INTEGER NOT NULL DEFAULT 0 CHECK (paid_total >= 0),
    issued_at       TEXT    NOT NULL DEFAULT '',
    cancelled_at    TEXT    NOT NULL DEFAULT '',
    cancel_reason   TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE UNIQUE INDEX invoices_number_unique ON invoices (number) WHERE number <> '';
CREATE INDEX invoices_number   ON invoices (number, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_issued   ON invoices (issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_due      ON invoices (due_date, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_status   ON invoices (status, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_customer ON invoices (customer_id, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_owner    ON invoices (owner_id, issue_date, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_order    ON invoices (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX invoices_reissued ON invoices (reissued_from) WHERE reissued_from IS NOT NULL;
CREATE INDEX invoices_contact  ON invoices (contact_id) WHERE contact_id IS NOT NULL;
-- Receivables and the open balance: unpaid invoices by due date, with
-- what the list and the sums read.
CREATE INDEX invoices_open     ON invoices (due_date, id, customer_id, grand_total, paid_total, currency) WHERE status IN ('issued', 'partly_paid') AND deleted_at IS NULL;
CREATE INDEX invoices_customer_open ON invoices (customer_id, currency, grand_total, paid_total) WHERE status IN ('issued', 'partly_paid') AND deleted_at IS NULL;
CREATE INDEX invoices_created  ON invoices (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_updated  ON invoices (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX invoices_deleted  ON invoices (deleted_at) WHERE deleted_at IS NOT NULL;

-- The lines of quotes, orders and invoices: each belongs to exactly one
-- document and goes with it. position orders them on the document.
CREATE TABLE sales_lines (
    id          INTEGER PRIMARY KEY,
    quote_id    INTEGER REFERENCES quotes (id) ON DELETE CASCADE,
    order_id    INTEGER REFERENCES orders (id) ON DELETE CASCADE,
    invoice_id  INTEGER REFERENCES invoices (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    product_id  INTEGER REFERENCES products (id) ON DELETE SET NULL,
    description TEXT    NOT NULL DEFAULT '',
    quantity    INTEGER NOT NULL CHECK (quantity > 0),       -- thousandths
    unit        TEXT    NOT NULL DEFAULT '',
    unit_price  INTEGER NOT NULL CHECK (unit_price >= 0),    -- kuruş
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    kdv_rate_bp INTEGER NOT NULL CHECK (kdv_rate_bp BETWEEN 0 AND 10000),
    CHECK ((quote_id IS NOT NULL) + (order_id IS NOT NULL) + (invoice_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX sales_lines_quote   ON sales_lines (quote_id, position) WHERE quote_id IS NOT NULL;
CREATE INDEX sales_lines_order   ON sales_lines (order_id, position) WHERE order_id IS NOT NULL;
CREATE INDEX sales_lines_invoice ON sales_lines (invoice_id, position) WHERE invoice_id IS NOT NULL;
CREATE INDEX sales_lines_product ON sales_lines (product_id) WHERE product_id IS NOT NULL;

-- Payments against invoices. customer_id is the invoice's, kept beside
-- it: a payment is within a user's scope when its customer is.
CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    date        TEXT    NOT NULL DEFAULT '',
    amount      INTEGER CHECK (amount > 0),
    method      TEXT    NOT NULL DEFAULT 'havale_eft' CHECK (method IN ('nakit', 'havale_eft', 'kredi_karti', 'cek_senet')),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    deleted_at  TEXT
) STRICT;
CREATE INDEX payments_invoice  ON payments (invoice_id, date, id) WHERE deleted_at IS NULL;
CREATE INDEX payments_customer ON payments (customer_id, date, id) WHERE deleted_at IS NULL;
CREATE INDEX payments_date     ON payments (date, id) WHERE deleted_at IS NULL;
CREATE INDEX payments_method   ON payments (method, date, id) WHERE deleted_at IS NULL;
CREATE INDEX payments_created  ON payments (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX payments_updated  ON payments (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX payments_deleted  ON payments (deleted_at) WHERE deleted_at IS NOT NULL;

-- The shipped roles: everyone reads products; sales staff work on the
-- documents of their own customers; the others read them.
INSERT INTO roles_permissions (record_id, module, item, value)
SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES
    (2, 'products', 'read', 'all'),
    (2, 'quotes', 'read', 'own'), (2, 'quotes', 'create', 'own'), (2, 'quotes', 'edit', 'own'),
    (2, 'quotes', 'delete', 'own'), (2, 'quotes', 'export', 'own'),
    (2, 'orders', 'read', 'own'), (2, 'orders', 'create', 'own'), (2, 'orders', 'edit', 'own'),
    (2, 'orders', 'delete', 'own'), (2, 'orders', 'export', 'own'),
    (2, 'invoices', 'read', 'own'), (2, 'invoices', 'create', 'own'), (2, 'invoices', 'edit', 'own'),
    (2, 'invoices', 'delete', 'own'), (2, 'invoices', 'export', 'own'),
    (2, 'payments', 'read', 'own'), (2, 'payments', 'create', 'own'), (2, 'payments', 'edit', 'own'),
    (2, 'payments', 'delete', 'own'), (2, 'payments', 'export', 'own'),

    (3, 'products', 'read', 'all'), (3, 'quotes', 'read', 'all'), (3, 'orders', 'read', 'all'),
    (3, 'invoices', 'read', 'all'),

    (4, 'products', 'read', 'all'), (4, 'quotes', 'read', 'all'), (4, 'orders', 'read', 'all'),
    (4, 'invoices', 'read', 'all'),

    (5, 'products', 'read', 'all'), (5, 'quotes', 'read', 'all'), (5, 'orders', 'read', 'all'),

    (6, 'products', 'read', 'all'), (6, 'quotes', 'read', 'all'), (6, 'orders', 'read', 'all'),
    (6, 'invoices', 'read', 'all'), (6, 'payments', 'read', 'all')
) v JOIN roles r ON r.id = v.column1;
