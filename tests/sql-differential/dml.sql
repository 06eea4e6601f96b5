-- DML differential corpus: each statement runs on Weir and on PostgreSQL 15 in turn; its result
-- (RETURNING rows, or the SQLSTATE of its error) must agree, and after it every table must hold
-- the same rows. Statements build on each other, so order matters. Tables come from data.ts.

CREATE TABLE acct (id int PRIMARY KEY, owner text NOT NULL, bal numeric(12,2), hits int DEFAULT 0, note text);
INSERT INTO acct SELECT id, coalesce(lv, 'none') || '-' || id, amt, 0, NULL FROM l;
INSERT INTO acct (id, owner) VALUES (100, 'plain') RETURNING *;
INSERT INTO acct (id, owner, bal) VALUES (101, 'a', 1.005), (102, 'b', -0.004), (103, 'c', NULL) RETURNING id, bal, hits;
INSERT INTO acct (id, owner) VALUES (100, 'dup');
INSERT INTO acct (id, owner) VALUES (104, NULL);
INSERT INTO acct (id, owner, bal) VALUES (105, 'big', 12345678901.5);
INSERT INTO acct (id, owner, hits) VALUES (106, 'x', 2147483648);
INSERT INTO acct (id, owner, hits) VALUES (107, 'str', '12') RETURNING hits;
INSERT INTO acct (id, owner, hits) VALUES (108, 'bad', 'twelve');
-- Without a column list, fewer values fill the leading columns and the rest take defaults.
INSERT INTO acct VALUES (109, 'short', 5.5) RETURNING *;
INSERT INTO acct VALUES (110, 'two'), (111, 'rows') RETURNING id, hits;
INSERT INTO acct VALUES (112, 'ragged'), (113);
INSERT INTO acct SELECT 114, 'sel' RETURNING *;
INSERT INTO acct VALUES (115, 'x', 1, 2, 'n', 'too many');

-- INSERT … SELECT with expressions, filters and joins
INSERT INTO acct (id, owner, bal) SELECT 200 + r.id, 'r' || r.id, r.qty * 1.5 FROM r WHERE r.qty > 10 RETURNING id, owner, bal;
INSERT INTO acct (id, owner, bal) SELECT 300 + l.id, l.lv || r.rv, l.amt - r.qty FROM l JOIN r ON l.id = r.id WHERE l.lv IS NOT NULL AND r.rv IS NOT NULL;
INSERT INTO acct (id, owner) SELECT g, 'series' FROM generate_series(400, 405) g RETURNING id;
INSERT INTO acct (id, owner) SELECT id, 'again' FROM acct WHERE id = 400;

-- UPDATE with expressions, RETURNING, and UPDATE … FROM
UPDATE acct SET bal = bal * 2, hits = hits + 1 WHERE bal < 100 RETURNING id, bal, hits;
UPDATE acct SET note = upper(owner) WHERE id % 3 = 0;
UPDATE acct SET bal = NULL WHERE id = 101 RETURNING *;
UPDATE acct SET hits = hits + 1;
UPDATE acct SET hits = 2147483647 WHERE id = 102;
UPDATE acct SET hits = hits + 1 WHERE id = 102;
UPDATE acct SET bal = 99999999999 WHERE id = 103;
UPDATE acct SET owner = NULL WHERE id = 103;
UPDATE acct a SET bal = a.bal + r.qty FROM r WHERE r.id = a.id AND r.qty IS NOT NULL RETURNING a.id, a.bal, r.qty;
UPDATE acct SET note = r.rv FROM r WHERE acct.id = r.id + 200;
UPDATE acct SET (bal, note) = (0, 'zeroed') WHERE id IN (SELECT id FROM l WHERE k = 3);
UPDATE acct SET hits = (SELECT count(*) FROM r WHERE r.k = acct.id % 7) WHERE id < 50;
UPDATE acct SET note = 'none' WHERE false RETURNING id;

-- DELETE, DELETE … USING, RETURNING
DELETE FROM acct WHERE id = 999 RETURNING id;
DELETE FROM acct WHERE bal IS NULL AND id > 100 RETURNING id, owner;
DELETE FROM acct a USING r WHERE a.id = r.id AND r.qty < 5 RETURNING a.id, r.qty;
DELETE FROM acct WHERE id IN (SELECT 300 + id FROM l WHERE amt > 500);
DELETE FROM acct WHERE EXISTS (SELECT 1 FROM r WHERE r.id + 200 = acct.id AND r.k > 6);

-- INSERT … ON CONFLICT
INSERT INTO acct (id, owner, bal) VALUES (1, 'conflict', 5) ON CONFLICT (id) DO NOTHING RETURNING id;
INSERT INTO acct (id, owner, bal) VALUES (1, 'conflict', 5), (500, 'fresh', 6) ON CONFLICT (id) DO NOTHING RETURNING id, owner;
INSERT INTO acct (id, owner, bal) VALUES (2, 'upd', 7.25) ON CONFLICT (id) DO UPDATE SET bal = EXCLUDED.bal, owner = acct.owner || '+' || EXCLUDED.owner RETURNING *;
INSERT INTO acct (id, owner, bal) VALUES (3, 'x', 1), (501, 'y', 2) ON CONFLICT (id) DO UPDATE SET hits = acct.hits + 10, bal = acct.bal + EXCLUDED.bal RETURNING id, hits, bal;
INSERT INTO acct (id, owner, bal) SELECT id, 'from-r', qty FROM r ON CONFLICT (id) DO UPDATE SET bal = coalesce(acct.bal, 0) + coalesce(EXCLUDED.bal, 0) WHERE acct.hits < 3 RETURNING id, bal;
INSERT INTO acct (id, owner) VALUES (4, 'a'), (4, 'b') ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner;
INSERT INTO acct (id, owner) VALUES (5, 'a') ON CONFLICT (id) DO UPDATE SET owner = NULL;
INSERT INTO acct (id, owner) VALUES (6, 'a') ON CONFLICT (owner) DO NOTHING;

-- A table with a serial-free composite key and text payload
CREATE TABLE tags (k1 int, k2 text, v text, n int, PRIMARY KEY (k1, k2));
INSERT INTO tags SELECT id % 4, coalesce(t, '?'), s, id FROM strs ON CONFLICT (k1, k2) DO UPDATE SET n = tags.n + EXCLUDED.n, v = EXCLUDED.v RETURNING k1, k2, n;
UPDATE tags SET v = v || '!' WHERE v LIKE '%a%' RETURNING k1, k2, v;
DELETE FROM tags WHERE (k1, k2) IN (SELECT 1, 'a') RETURNING *;
DELETE FROM tags t USING strs s WHERE t.n = s.id AND s.b RETURNING t.k1, t.k2, s.id;
UPDATE tags SET n = n * 1000000 WHERE k1 = 2;
UPDATE tags SET n = n * 1000000 WHERE k1 = 2;
DELETE FROM tags RETURNING k1, k2;
