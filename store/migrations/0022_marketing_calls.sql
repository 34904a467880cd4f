-- Marketing: call and visit campaigns, and segments on purchases.
-- Text columns are '' when empty; references NULL.

-- The campaign's script (Markdown), shown on every call and visit task
-- it hands out, and the users those tasks go to, round-robin: callers
-- (the call centre) for calls, visitors (field sales) for visits.
ALTER TABLE campaigns ADD COLUMN script TEXT NOT NULL DEFAULT '';
CREATE TABLE campaigns_callers (
    record_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    ref_id    INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (record_id, ref_id)
) STRICT;
CREATE INDEX campaigns_callers_user ON campaigns_callers (ref_id, record_id);
CREATE TABLE campaigns_visitors (
    record_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    ref_id    INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (record_id, ref_id)
) STRICT;
CREATE INDEX campaigns_visitors_user ON campaigns_visitors (ref_id, record_id);

-- A call or visit member's task (an activity); its outcome sets the
-- member's status.
ALTER TABLE campaign_members ADD COLUMN activity_id INTEGER REFERENCES activities (id) ON DELETE SET NULL;
CREATE INDEX campaign_members_activity ON campaign_members (activity_id) WHERE activity_id IS NOT NULL;
-- The members still waiting for a task.
CREATE INDEX campaign_members_untasked ON campaign_members (campaign_id, channel, id)
    WHERE activity_id IS NULL AND status = 'pending' AND deleted_at IS NULL;

-- Segments on purchases (behavioural, KVKK): bought a product on an
-- issued or paid invoice, and the last such invoice's date after and/or
-- before a date.
ALTER TABLE segments ADD COLUMN product_id INTEGER REFERENCES products (id);
ALTER TABLE segments ADD COLUMN purchased_after TEXT NOT NULL DEFAULT '';
ALTER TABLE segments ADD COLUMN purchased_before TEXT NOT NULL DEFAULT '';
CREATE INDEX segments_product ON segments (product_id) WHERE product_id IS NOT NULL;
-- "Bought this product": the product's lines on invoices.
CREATE INDEX sales_lines_product_invoice ON sales_lines (product_id, invoice_id) WHERE product_id IS NOT NULL AND invoice_id IS NOT NULL;
-- "Last purchase": a customer's issued or paid invoices by date.
CREATE INDEX invoices_customer_bought ON invoices (customer_id, issue_date)
    WHERE status IN ('issued', 'partly_paid', 'paid') AND deleted_at IS NULL;

-- A customer's open ETK consent task, looked for at every contact
-- (leaveConsentTask): without it the count read every planned activity,
-- which a campaign handing out thousands of calls made quadratic.
CREATE INDEX activities_consent_open ON activities (customer_id) WHERE consent_task = 1 AND status = 'planned' AND deleted_at IS NULL;
-- The tasks a campaign has handed out on a channel (the round-robin's
-- position).
CREATE INDEX campaign_members_tasked ON campaign_members (campaign_id, channel) WHERE activity_id IS NOT NULL;
