-- A customer's data quality, a score from 0 to 100 that the store computes
-- from the record's values on every write (store/quality.go), kept as a
-- column so that the list filters by its bands and sorts by it with keyset
-- paging over (quality, id). NOT NULL: keyset paging never meets NULL.
-- Rows written before this version are scored at the next start (settings
-- key quality_rebuild), by the same Go code, not by a copy of it in SQL.

ALTER TABLE customers ADD COLUMN quality INTEGER NOT NULL DEFAULT 0;
CREATE INDEX customers_quality_order ON customers (quality, id) WHERE deleted_at IS NULL;
INSERT INTO settings (key, value) VALUES ('quality_rebuild', x'01')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
