-- Read-only queries with parameters: a point lookup, a range aggregate and a join.
\set id random(1, 90)
SELECT id, balance, owner FROM bench_accounts WHERE id = :id;
SELECT count(*), sum(balance), max(balance) FROM bench_accounts WHERE id BETWEEN :id AND :id + 10;
SELECT a.owner, count(h.delta) FROM bench_accounts a LEFT JOIN bench_history h ON h.account = a.id WHERE a.id = :id GROUP BY a.owner;
