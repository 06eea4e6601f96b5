-- Queries Weir still answers differently from PostgreSQL 15. queries.test.ts asserts that each
-- one still differs: when a fix makes one agree, move it to queries.sql.

-- numeric Infinity (PostgreSQL 14+): Weir's Numeric has NaN but no infinities.
SELECT 'inf'::numeric, '-Infinity'::numeric;

-- The money type does not exist in Weir.
SELECT 10::money::numeric;

-- to_char for numbers (to_char(numeric/int/float, text)) is not implemented; only date/time
-- and interval formats are.
SELECT id, to_char(i4, '999999'), to_char(n2, 'FM99990.00'), to_char(f8, '9.99EEEE') FROM nums WHERE abs(f8) < 1e100;
SELECT to_char(1234.5, '9,999.99'), to_char(-12, '000'), to_char(0.5, '0.9'), to_char(12, 'FM999th');

-- to_date(text, format) is not implemented.
SELECT to_date('2024-03-05', 'YYYY-MM-DD');

-- Named arguments (name => value) are not supported by the binder.
SELECT make_interval(days => 3), make_interval(1, 2);
