CREATE TABLE bench_accounts (id int PRIMARY KEY, balance bigint NOT NULL, owner text NOT NULL);
INSERT INTO bench_accounts SELECT g, 0, 'owner ' || g FROM generate_series(1, 100) g;
CREATE TABLE bench_history (account int NOT NULL, delta int NOT NULL, note text, at timestamptz DEFAULT now());
