-- The reminder loop runs every 30 seconds inside a write transaction. Its
-- index held every activity with a reminder, sent or not, so SQLite chose
-- the status index instead and walked all planned activities (200,000 on
-- the large demo set): 100-150 ms of one core and of the write lock, twice
-- a minute, that showed as spikes in every page's p99 under load. This
-- index holds only the reminders not yet sent, so finding the due ones
-- reads just those; the query names it (INDEXED BY), as SQLite without
-- statistics still prefers the equality on status.
DROP INDEX activities_reminders;
CREATE INDEX activities_reminders_pending ON activities (remind_at)
    WHERE remind_at <> '' AND remind_at <> reminded_for AND status = 'planned' AND deleted_at IS NULL;
