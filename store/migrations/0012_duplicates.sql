-- Duplicate detection (store/duplicates.go): a customer's name folded for
-- matching, so that "AHMET YILMAZ", "Ahmet Yılmaz" and "ahmet yilmaz" in
-- the same province meet. The Turkish folding is Go code that SQLite does
-- not have, so the column is the program's to fill: new and changed rows
-- get it when they are saved, existing ones at the next start (settings
-- key name_fold_rebuild).
--
-- The other keys (TCKN, VKN, e-mail, phone, the phones side table) are
-- looked up through the indexes of 0002; only the name needs its own.

ALTER TABLE customers ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
CREATE INDEX customers_name_fold ON customers (name_fold, province) WHERE name_fold <> '' AND province <> '';

INSERT INTO settings (key, value) VALUES ('name_fold_rebuild', x'01')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
