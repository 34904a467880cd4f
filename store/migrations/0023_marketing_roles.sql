-- The marketing roles the seeds name, shipped like the others and
-- editable: the campaign manager runs campaigns, the segment manager
-- builds the target audiences, the channel manager keeps what goes out
-- (e-mail templates) and resumes a stopped sending. The SMTP and SMS
-- gateway settings hold passwords and stay the administrators'.
-- A firm may already have roles 7–9 of its own, so the new ones take the
-- next ids and are found again by name (the highest id of that name).
INSERT INTO roles (name, notes, created_at, updated_at) VALUES
    ('Kampanya yöneticisi', 'Kampanyaları kurar, başlatır ve sonuçlarını izler; segmentleri ve müşterileri okur.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Segment yöneticisi',  'Hedef kitleleri (segmentleri) kurar; müşterileri okur ve dışa aktarır.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')),
    ('Kanal yöneticisi',    'E-posta şablonlarını yönetir, duran gönderimi sürdürür.', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'));

INSERT INTO roles_permissions (record_id, module, item, value)
SELECT (SELECT max(id) FROM roles WHERE name = v.column1), v.column2, v.column3, v.column4 FROM (VALUES
    ('Kampanya yöneticisi', 'campaigns', 'read', 'all'), ('Kampanya yöneticisi', 'campaigns', 'create', 'all'),
    ('Kampanya yöneticisi', 'campaigns', 'edit', 'all'), ('Kampanya yöneticisi', 'campaigns', 'delete', 'own'),
    ('Kampanya yöneticisi', 'campaigns', 'export', 'all'),
    ('Kampanya yöneticisi', 'campaign_members', 'read', 'all'), ('Kampanya yöneticisi', 'campaign_members', 'export', 'all'),
    ('Kampanya yöneticisi', 'segments', 'read', 'all'), ('Kampanya yöneticisi', 'email_templates', 'read', 'all'),
    ('Kampanya yöneticisi', 'customers', 'read', 'all'), ('Kampanya yöneticisi', 'customers', 'field:tckn', 'hidden'),
    ('Kampanya yöneticisi', 'opportunities', 'read', 'all'),

    ('Segment yöneticisi', 'segments', 'read', 'all'), ('Segment yöneticisi', 'segments', 'create', 'all'),
    ('Segment yöneticisi', 'segments', 'edit', 'all'), ('Segment yöneticisi', 'segments', 'delete', 'own'),
    ('Segment yöneticisi', 'segments', 'export', 'all'),
    ('Segment yöneticisi', 'campaigns', 'read', 'all'),
    ('Segment yöneticisi', 'customers', 'read', 'all'), ('Segment yöneticisi', 'customers', 'export', 'all'),
    ('Segment yöneticisi', 'customers', 'field:tckn', 'hidden'),

    ('Kanal yöneticisi', 'email_templates', 'read', 'all'), ('Kanal yöneticisi', 'email_templates', 'create', 'all'),
    ('Kanal yöneticisi', 'email_templates', 'edit', 'all'), ('Kanal yöneticisi', 'email_templates', 'delete', 'all'),
    ('Kanal yöneticisi', 'email_templates', 'export', 'all'),
    ('Kanal yöneticisi', 'campaigns', 'read', 'all'), ('Kanal yöneticisi', 'campaigns', 'edit', 'all'),
    ('Kanal yöneticisi', 'campaign_members', 'read', 'all'),
    ('Kanal yöneticisi', 'customers', 'read', 'all'), ('Kanal yöneticisi', 'customers', 'field:tckn', 'hidden')
) v;
