-- A TPC-B-like write: move an amount onto one account and log it, in one transaction.
-- Each client owns ten accounts: Weir does not yet make a second writer of the same row wait for
-- the first (PostgreSQL's row locks), so shared rows could lose updates; see docs/drivers.md.
\set id 1 + :client_id * 10 + random(0, 9)
\set delta random(-5000, 5000)
BEGIN;
UPDATE bench_accounts SET balance = balance + :delta WHERE id = :id;
SELECT balance FROM bench_accounts WHERE id = :id;
INSERT INTO bench_history (account, delta, note) VALUES (:id, :delta, 'transfer');
END;
