-- More list columns sort: customers by e-mail and phone, assets by serial
-- number and plate. Keyset paging reads (column, id) in order, so each
-- sortable column has its index over the live rows. The lookup indexes of
-- 0002 (phone, email, plate, serial_no WHERE … <> '') leave out the empty
-- values and the id, so they cannot serve a sorted page.

CREATE INDEX customers_email_order ON customers (email, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_phone_order ON customers (phone, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_serial_order   ON assets (serial_no, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_plate_order    ON assets (plate, id) WHERE deleted_at IS NULL;
