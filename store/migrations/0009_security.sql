-- Users, teams, departments and security roles (see store/security.go),
-- the in-app notifications of assignments, and a search index that keeps
-- protected fields apart.
--
-- Users, teams, departments and roles are declared modules: they get the
-- columns every module has (sort_key, deleted_at), and their many-to-many
-- links are side tables named <table>_<field> with (record_id, ref_id).

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    sort_key   TEXT    NOT NULL DEFAULT '',
    parent_id  INTEGER REFERENCES departments (id),
    notes      TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE INDEX departments_name   ON departments (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX departments_parent ON departments (parent_id);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    sort_key   TEXT    NOT NULL DEFAULT '',
    notes      TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE INDEX teams_name ON teams (sort_key, id) WHERE deleted_at IS NULL;

CREATE TABLE roles (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    sort_key   TEXT    NOT NULL DEFAULT '',
    is_admin   INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    notes      TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE INDEX roles_name ON roles (sort_key, id) WHERE deleted_at IS NULL;

-- What a role allows, one row per module and item. An item is an action
-- (read, create, edit, delete, export, import) whose value is its scope
-- (none, own, team, department, all), or "field:<name>" whose value is
-- that field's protection (hidden, readonly). A missing action is none; a
-- missing field is unprotected.
CREATE TABLE roles_permissions (
    record_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    module    TEXT    NOT NULL,
    item      TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (record_id, module, item)
) STRICT, WITHOUT ROWID;

-- Users are declared modules too. They are never deleted (their names are
-- in the audit trail); deleted_at exists because every module has it.
ALTER TABLE users ADD COLUMN department_id INTEGER REFERENCES departments (id);
ALTER TABLE users ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN deleted_at TEXT;
CREATE INDEX users_name       ON users (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX users_department ON users (department_id);

CREATE TABLE users_teams (
    record_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ref_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, ref_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX users_teams_team ON users_teams (ref_id, record_id);

CREATE TABLE users_roles (
    record_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ref_id    INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, ref_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX users_roles_role ON users_roles (ref_id);

-- The shipped roles, editable like any other.
INSERT INTO roles (id, name, is_admin, notes, created_at, updated_at) VALUES
    (1, 'Yönetici',      1, 'Tüm kayıtlar ve yönetim ekranları.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (2, 'Satış',         0, 'Kendi müşterileri ve varlıkları.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (3, 'Pazarlama',     0, 'Tüm adaylar ve müşteriler; içe ve dışa aktarma.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (4, 'Servis',        0, 'Tüm müşteriler okunur; varlıklar düzenlenir.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (5, 'Çağrı Merkezi', 0, 'Arayanı bulur, kayıt açar; TC kimlik numarasını görmez.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    (6, 'Salt okunur',   0, 'Her şeyi görür, hiçbir şeyi değiştirmez.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));

INSERT INTO roles_permissions (record_id, module, item, value) VALUES
    (2, 'customers', 'read', 'own'), (2, 'customers', 'create', 'own'), (2, 'customers', 'edit', 'own'),
    (2, 'customers', 'delete', 'own'), (2, 'customers', 'export', 'own'),
    (2, 'assets', 'read', 'own'), (2, 'assets', 'create', 'own'), (2, 'assets', 'edit', 'own'), (2, 'assets', 'delete', 'own'),

    (3, 'customers', 'read', 'all'), (3, 'customers', 'create', 'all'), (3, 'customers', 'edit', 'all'),
    (3, 'customers', 'delete', 'own'), (3, 'customers', 'export', 'all'), (3, 'customers', 'import', 'all'),
    (3, 'customers', 'field:tckn', 'hidden'), (3, 'customers', 'field:birth_date', 'readonly'),
    (3, 'assets', 'read', 'all'),

    (4, 'customers', 'read', 'all'), (4, 'customers', 'create', 'own'), (4, 'customers', 'edit', 'team'),
    (4, 'assets', 'read', 'all'), (4, 'assets', 'create', 'all'), (4, 'assets', 'edit', 'all'), (4, 'assets', 'delete', 'team'),

    (5, 'customers', 'read', 'all'), (5, 'customers', 'create', 'own'), (5, 'customers', 'edit', 'own'),
    (5, 'customers', 'field:tckn', 'hidden'), (5, 'customers', 'field:birth_date', 'hidden'),
    (5, 'assets', 'read', 'all'),

    (6, 'customers', 'read', 'all'), (6, 'assets', 'read', 'all'),
    (6, 'customers', 'field:tckn', 'hidden');

-- Administrators keep administering; everyone else could do everything
-- before roles existed and starts as Satış, the narrowest working role.
INSERT INTO users_roles (record_id, ref_id) SELECT id, CASE is_admin WHEN 1 THEN 1 ELSE 2 END FROM users;
-- Whether someone is an administrator is now their roles' flag.
ALTER TABLE users DROP COLUMN is_admin;

-- An in-app notice to a user: a record was assigned to them.
CREATE TABLE notifications (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at        TEXT    NOT NULL,
    kind      TEXT    NOT NULL,            -- assigned
    module    TEXT    NOT NULL,
    record_id INTEGER NOT NULL,
    title     TEXT    NOT NULL DEFAULT '', -- the record's name at the time
    by_name   TEXT    NOT NULL DEFAULT '', -- who did it
    read_at   TEXT
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The search index gets a second column for protected fields (a TCKN), so
-- that someone who may not see them cannot find a record by them either.
-- The store refills it at start (settings key search_rebuild).
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5 (
    body,
    private,
    content = '',
    contentless_delete = 1,
    prefix = '2 3',
    tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO settings (key, value) VALUES ('search_rebuild', x'01')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- A one-time link that lets a new user choose a password (an invitation)
-- or someone who forgot theirs set a new one. Only the SHA-256 of the
-- token is kept, as for sessions.
CREATE TABLE user_invites (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
) STRICT;
CREATE INDEX user_invites_user ON user_invites (user_id);
