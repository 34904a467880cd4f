-- A counter that every change to the users, the roles, their grants or
-- who holds them raises, in the same transaction as the change, whichever
-- process writes it (the server, the command line). The session's query
-- reads it with the user, so the server can keep each user's merged
-- rights and the users' names between requests and still take a changed
-- role or a renamed colleague into account on the very next request:
-- reading them anew cost three queries and a hundred map writes on every
-- page.
CREATE TABLE security_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO security_generation (id, n) VALUES (1, 1);

CREATE TRIGGER roles_gen_insert AFTER INSERT ON roles BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER roles_gen_update AFTER UPDATE ON roles BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER roles_gen_delete AFTER DELETE ON roles BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER roles_permissions_gen_insert AFTER INSERT ON roles_permissions BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER roles_permissions_gen_update AFTER UPDATE ON roles_permissions BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER roles_permissions_gen_delete AFTER DELETE ON roles_permissions BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER users_roles_gen_insert AFTER INSERT ON users_roles BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER users_roles_gen_update AFTER UPDATE ON users_roles BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER users_roles_gen_delete AFTER DELETE ON users_roles BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER users_gen_insert AFTER INSERT ON users BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER users_gen_update AFTER UPDATE ON users BEGIN UPDATE security_generation SET n = n + 1; END;
CREATE TRIGGER users_gen_delete AFTER DELETE ON users BEGIN UPDATE security_generation SET n = n + 1; END;
