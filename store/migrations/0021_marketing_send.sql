-- Marketing: sending. E-mail templates, the campaign's template and the
-- last sending problem, and the queue's index. The SMTP settings live in
-- settings (key 'mail.smtp', JSON); the queue is campaign_members itself
-- (pending → unknown while a send is under way → sent / failed).
-- Text columns are '' when empty; references NULL.

-- An e-mail template: subject and Markdown body with merge fields
-- ({{ad}}, {{firma}} …, see store/mail).
CREATE TABLE email_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    sort_key    TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    deleted_at  TEXT
) STRICT;
CREATE INDEX email_templates_name    ON email_templates (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX email_templates_created ON email_templates (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX email_templates_updated ON email_templates (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX email_templates_deleted ON email_templates (deleted_at) WHERE deleted_at IS NOT NULL;

-- The template a campaign's e-mails are written from, and what stopped
-- its sending last ('' while all is well).
ALTER TABLE campaigns ADD COLUMN email_template_id INTEGER REFERENCES email_templates (id);
ALTER TABLE campaigns ADD COLUMN send_error TEXT NOT NULL DEFAULT '';
-- The SMS's text (merge fields as in e-mail templates); the İYS brand
-- code and the opt-out text of the SMS settings are added when it is sent.
ALTER TABLE campaigns ADD COLUMN sms_text TEXT NOT NULL DEFAULT '';
CREATE INDEX campaigns_email_template ON campaigns (email_template_id) WHERE email_template_id IS NOT NULL;

-- The queue: a campaign's pending members on a channel, in order.
CREATE INDEX campaign_members_queue ON campaign_members (campaign_id, channel, id) WHERE status = 'pending' AND deleted_at IS NULL;

-- Results: when a member unsubscribed through the campaign's link, and
-- the campaign a lead (customer) or an opportunity came from.
ALTER TABLE campaign_members ADD COLUMN unsubscribed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL;
CREATE INDEX customers_campaign ON customers (campaign_id) WHERE campaign_id IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE opportunities ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL;
CREATE INDEX opportunities_campaign ON opportunities (campaign_id, status) WHERE campaign_id IS NOT NULL AND deleted_at IS NULL;

INSERT INTO roles_permissions (record_id, module, item, value)
SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES
    (3, 'email_templates', 'read', 'all'), (3, 'email_templates', 'create', 'all'), (3, 'email_templates', 'edit', 'all'),
    (3, 'email_templates', 'delete', 'all'), (3, 'email_templates', 'export', 'all'),
    (6, 'email_templates', 'read', 'all')
) v JOIN roles r ON r.id = v.column1;
