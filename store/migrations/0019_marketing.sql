-- Marketing: segments (saved customer filters), campaigns and their
-- members (the target list a launch freezes, with the ETK rule's answer
-- per member and channel).
-- Text columns are '' when empty (sorting and keyset paging never meet
-- NULL); numbers and references are NULL when empty.

-- A segment: a saved filter over customers. criteria holds the customer
-- list's own filters as a query string ("province=Isparta&tags=vip"),
-- read by the same code as the list; asset_kind is a behavioural
-- criterion (owns an asset of that kind), which only customers who may
-- be analysed (KVKK) pass.
CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    sort_key    TEXT    NOT NULL DEFAULT '',
    goal        TEXT    NOT NULL DEFAULT 'acquire' CHECK (goal IN ('acquire', 'keep', 'deepen')),
    criteria    TEXT    NOT NULL DEFAULT '',
    asset_kind  TEXT    NOT NULL DEFAULT '' CHECK (asset_kind IN ('', 'vehicle', 'device', 'other')),
    owner_id    INTEGER REFERENCES users (id),
    description TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    deleted_at  TEXT
) STRICT;
CREATE INDEX segments_name    ON segments (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX segments_goal    ON segments (goal, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX segments_owner   ON segments (owner_id, sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX segments_created ON segments (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX segments_updated ON segments (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX segments_deleted ON segments (deleted_at) WHERE deleted_at IS NOT NULL;

-- "Owns an asset of this kind": a segment's behavioural criterion.
CREATE INDEX assets_customer_kind ON assets (customer_id, kind) WHERE deleted_at IS NULL;

-- A campaign. channels are some of email, sms, call, visit joined by
-- commas; status moves draft → scheduled → running → completed, or to
-- cancelled; launched_at is when its target list was frozen.
CREATE TABLE campaigns (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL DEFAULT '',
    sort_key         TEXT    NOT NULL DEFAULT '',
    goal             TEXT    NOT NULL DEFAULT 'acquire' CHECK (goal IN ('acquire', 'keep', 'deepen')),
    channels         TEXT    NOT NULL DEFAULT '',
    segment_id       INTEGER REFERENCES segments (id),
    starts_on        TEXT    NOT NULL DEFAULT '', -- YYYY-MM-DD
    ends_on          TEXT    NOT NULL DEFAULT '',
    budget           INTEGER CHECK (budget >= 0),           -- kuruş
    expected_revenue INTEGER CHECK (expected_revenue >= 0), -- kuruş
    owner_id         INTEGER REFERENCES users (id),
    status           TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'running', 'completed', 'cancelled')),
    launched_at      TEXT    NOT NULL DEFAULT '',
    description      TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    deleted_at       TEXT
) STRICT;
CREATE INDEX campaigns_name    ON campaigns (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX campaigns_starts  ON campaigns (starts_on, id) WHERE deleted_at IS NULL;
CREATE INDEX campaigns_status  ON campaigns (status, starts_on, id) WHERE deleted_at IS NULL;
CREATE INDEX campaigns_goal    ON campaigns (goal, starts_on, id) WHERE deleted_at IS NULL;
CREATE INDEX campaigns_owner   ON campaigns (owner_id, starts_on, id) WHERE deleted_at IS NULL;
CREATE INDEX campaigns_segment ON campaigns (segment_id) WHERE segment_id IS NOT NULL;
CREATE INDEX campaigns_created ON campaigns (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaigns_updated ON campaigns (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaigns_deleted ON campaigns (deleted_at) WHERE deleted_at IS NOT NULL;

-- A member: one customer on one channel of a launched campaign, with the
-- address the launch froze and the ETK rule's answer (reason). Members the
-- rule leaves out are kept as 'excluded' with their reason, so the
-- campaign shows how many were left out and why.
CREATE TABLE campaign_members (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    customer_name TEXT  NOT NULL DEFAULT '',
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'sms', 'call', 'visit')),
    recipient   TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('excluded', 'pending', 'sent', 'failed', 'unknown', 'responded')),
    reason      TEXT    NOT NULL DEFAULT '',
    sent_at     TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    deleted_at  TEXT
) STRICT;
-- A launch makes one member per customer and channel of a campaign (and a
-- member added by hand is refused when there is one). The index is not
-- UNIQUE on purpose: merging two duplicate customers who were both in a
-- campaign moves both memberships to the one kept, keeping both histories,
-- where a unique key would make the merge fail.
CREATE INDEX campaign_members_customer_channel ON campaign_members (campaign_id, channel, customer_id);
-- The campaign page's counts by channel, status and reason read this
-- index alone.
CREATE INDEX campaign_members_counts   ON campaign_members (campaign_id, channel, status, reason) WHERE deleted_at IS NULL;
CREATE INDEX campaign_members_campaign ON campaign_members (campaign_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaign_members_customer ON campaign_members (customer_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaign_members_status   ON campaign_members (status, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaign_members_channel  ON campaign_members (channel, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaign_members_created  ON campaign_members (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaign_members_updated  ON campaign_members (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX campaign_members_deleted  ON campaign_members (deleted_at) WHERE deleted_at IS NOT NULL;

-- The shipped Pazarlama role (3) runs marketing; the others read it.
INSERT INTO roles_permissions (record_id, module, item, value)
SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES
    (3, 'segments', 'read', 'all'), (3, 'segments', 'create', 'all'), (3, 'segments', 'edit', 'all'),
    (3, 'segments', 'delete', 'all'), (3, 'segments', 'export', 'all'),
    (3, 'campaigns', 'read', 'all'), (3, 'campaigns', 'create', 'all'), (3, 'campaigns', 'edit', 'all'),
    (3, 'campaigns', 'delete', 'all'), (3, 'campaigns', 'export', 'all'),
    (3, 'campaign_members', 'read', 'all'), (3, 'campaign_members', 'export', 'all'),

    (6, 'segments', 'read', 'all'), (6, 'campaigns', 'read', 'all'), (6, 'campaign_members', 'read', 'all')
) v JOIN roles r ON r.id = v.column1;
