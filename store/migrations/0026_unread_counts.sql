-- Each user's unread notifications, counted as they change: the badge is
-- on every page, and counting them in the session's query walked up to a
-- hundred index entries on each one (a twentieth of a customer's page).
-- Triggers keep the count in the transaction that changes a notification,
-- whichever process writes it.
CREATE TABLE unread_counts (
    user_id INTEGER PRIMARY KEY,
    n       INTEGER NOT NULL CHECK (n >= 0)
) STRICT;
INSERT INTO unread_counts (user_id, n)
    SELECT user_id, count(*) FROM notifications WHERE read_at IS NULL GROUP BY user_id;

CREATE TRIGGER notifications_unread_insert AFTER INSERT ON notifications WHEN NEW.read_at IS NULL BEGIN
    INSERT INTO unread_counts (user_id, n) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER notifications_unread_update AFTER UPDATE OF user_id, read_at ON notifications BEGIN
    UPDATE unread_counts SET n = n - 1 WHERE OLD.read_at IS NULL AND user_id = OLD.user_id;
    INSERT INTO unread_counts (user_id, n) SELECT NEW.user_id, 1 WHERE NEW.read_at IS NULL
        ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER notifications_unread_delete AFTER DELETE ON notifications WHEN OLD.read_at IS NULL BEGIN
    UPDATE unread_counts SET n = n - 1 WHERE user_id = OLD.user_id;
END;
