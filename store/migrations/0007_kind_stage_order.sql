-- Sorting customers by kind or by stage pages through (column, id) like
-- every other sortable column; the (kind, sort_key, id) and (stage,
-- sort_key, id) indexes of 0002 serve filters, not this order.

CREATE INDEX customers_kind_order  ON customers (kind, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_stage_order ON customers (stage, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_kind_order     ON assets (kind, id) WHERE deleted_at IS NULL;
