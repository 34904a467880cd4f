-- "Bugün" lists the customers a user opened lately from the read entries
-- of the audit trail. Through audit_user it walked all of the user's
-- entries back to their last reads, and a user who had imported or edited
-- 100,000 records walked all of those first: 55 ms on each home page
-- (BenchmarkRecentlyViewed), the page itself otherwise 3 ms. This index
-- holds only the read entries, one per user and record an hour at most.
CREATE INDEX audit_reads ON audit_log (user_id, module, id) WHERE action = 'read';
