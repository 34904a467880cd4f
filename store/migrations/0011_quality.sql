-- A customer's data quality, a score from 0 to 100 that the store computes
-- from the record's values on every write (store/quality.go), kept as a
-- column so that the list filters by its bands and sorts by it with keyset
-- paging over (quality, id). NOT NULL: keyset paging never meets NULL.
-- Rows written before this version are scored at the next start (settings
-- key quality_rebuild), by the same Go code, not by a copy of it in SQL.

ALTER TABLE customers ADD COLUMN quality INTEGER NOT NULL DEFAULT 0;
CREATE INDEX customers_quality_order ON customers (quality, id) WHERE deleted_at IS NULL;
-- A salesperson's own customers by quality, without sorting them all.
CREATE INDEX customers_owner_quality ON customers (owner_id, quality, id) WHERE deleted_at IS NULL;

-- The home page's figure, the average score of the customers a user may
-- read, is summed from how many live customers each owner has at each
-- score, kept here by triggers: a few hundred rows to add up instead of
-- every customer, whatever the firm's size. The permission scopes read
-- its owner_id as they read the customers'; unowned customers count under
-- owner 0, which is no user's, so only those who see everything see them.
CREATE TABLE customer_quality_counts (
    owner_id INTEGER NOT NULL,
    quality  INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (owner_id, quality)
) STRICT, WITHOUT ROWID;

INSERT INTO customer_quality_counts (owner_id, quality, n)
    SELECT COALESCE(owner_id, 0), quality, count(*) FROM customers WHERE deleted_at IS NULL GROUP BY 1, 2;

CREATE TRIGGER customers_quality_insert AFTER INSERT ON customers WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO customer_quality_counts (owner_id, quality, n) VALUES (COALESCE(new.owner_id, 0), new.quality, 1)
        ON CONFLICT (owner_id, quality) DO UPDATE SET n = n + 1;
END;
-- An update takes the row out of its old count and into its new one
-- (the same one when nothing that counts changed).
CREATE TRIGGER customers_quality_leave AFTER UPDATE OF owner_id, quality, deleted_at ON customers WHEN old.deleted_at IS NULL BEGIN
    UPDATE customer_quality_counts SET n = n - 1 WHERE owner_id = COALESCE(old.owner_id, 0) AND quality = old.quality;
END;
CREATE TRIGGER customers_quality_enter AFTER UPDATE OF owner_id, quality, deleted_at ON customers WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO customer_quality_counts (owner_id, quality, n) VALUES (COALESCE(new.owner_id, 0), new.quality, 1)
        ON CONFLICT (owner_id, quality) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER customers_quality_delete AFTER DELETE ON customers WHEN old.deleted_at IS NULL BEGIN
    UPDATE customer_quality_counts SET n = n - 1 WHERE owner_id = COALESCE(old.owner_id, 0) AND quality = old.quality;
END;

INSERT INTO settings (key, value) VALUES ('quality_rebuild', x'01')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
