"""Drives psycopg 3 against a server and prints what it sees, one line per fact, so that a run
against Weir can be compared line by line with a run against PostgreSQL (tests/drivers/psycopg.test.ts).

Usage: python check.py HOST PORT USER DBNAME
"""

import datetime as dt
import sys
import uuid
from decimal import Decimal

import psycopg
from psycopg.types import TypeInfo
from psycopg.types.json import Json, Jsonb

SCHEMA = [
    "CREATE TABLE py_types (id int PRIMARY KEY, b bool, i2 int2, i4 int4 NOT NULL DEFAULT 7, i8 int8, f4 float4,"
    " f8 float8, n numeric(12,3), t text, vc varchar(20), by bytea, d date, tm time, ts timestamp, tz timestamptz,"
    " iv interval, u uuid, j json, jb jsonb, ai int4[], at text[])",
    "CREATE TABLE py_copy (id int PRIMARY KEY, name text, score numeric(6,2), at timestamptz, tags text[])",
    "CREATE VIEW py_view AS SELECT id, t FROM py_types",
    "CREATE SCHEMA py_other",
    "CREATE TABLE py_other.things (k varchar(10) PRIMARY KEY, v float8 NOT NULL)",
]

# Catalog queries of the kind tools (psql, DBeaver, SQLAlchemy, pgAdmin) send.
CATALOG_QUERIES = [
    "SELECT table_schema, table_name, table_type FROM information_schema.tables"
    " WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    "SELECT column_name, ordinal_position, data_type, is_nullable, column_default, character_maximum_length,"
    " numeric_precision, numeric_scale, datetime_precision, udt_name FROM information_schema.columns"
    " WHERE table_schema = 'public' AND table_name = 'py_types' ORDER BY ordinal_position",
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'py_other' ORDER BY 1, 2",
    "SELECT tc.constraint_name, tc.constraint_type, kcu.column_name FROM information_schema.table_constraints tc"
    " JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema"
    " WHERE tc.table_name = 'py_types' ORDER BY 1, 3",
    "SELECT constraint_type, is_deferrable, count(*) FROM information_schema.table_constraints"
    " WHERE table_schema IN ('public', 'py_other') GROUP BY 1, 2 ORDER BY 1",
    "SELECT table_schema, table_name, column_name, constraint_name FROM information_schema.constraint_column_usage"
    " WHERE table_schema IN ('public', 'py_other') ORDER BY 1, 2, 3",
    "SELECT kcu.table_name, kcu.column_name, kcu.ordinal_position FROM information_schema.key_column_usage kcu"
    " WHERE kcu.table_schema = 'py_other' ORDER BY 1, 3",
    "SELECT count(*) FROM information_schema.referential_constraints WHERE constraint_schema = 'public'",
    "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'py%' OR schema_name = 'public' ORDER BY 1",
    "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND c.relname LIKE 'py%' ORDER BY 1",
    "SELECT a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef"
    " FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'py_types'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
    "SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d WHERE d.adrelid = 'py_types'::regclass",
    "SELECT i.relname, ix.indisprimary, ix.indisunique, pg_catalog.pg_get_indexdef(ix.indexrelid)"
    " FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid WHERE ix.indrelid = 'py_other.things'::regclass",
    "SELECT t.typname, t.oid, t.typarray FROM pg_catalog.pg_type t WHERE t.typname IN ('int4', 'text', 'uuid', 'jsonb', 'numeric') ORDER BY 1",
    "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'v') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1, 2",
]

AWARE = dt.datetime(2024, 2, 29, 13, 45, 6, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))

# (label, value, cast) — each value is sent as a parameter in text (%t), binary (%b) and auto (%s).
VALUES = [
    ("bool", True, "bool"), ("bool false", False, "bool"),
    ("small int", 42, "int2"), ("int", -2147483648, "int4"), ("big int", 2**63 - 1, "int8"), ("huge int", 10**30, "numeric"),
    ("float", 1.5, "float4"), ("float8", -1e300, "float8"), ("nan", float("nan"), "float8"), ("inf", float("inf"), "float8"),
    ("decimal", Decimal("-12345678901234567890.000123"), "numeric"), ("decimal zero", Decimal("0.00"), "numeric"),
    ("decimal nan", Decimal("NaN"), "numeric"), ("decimal typmod", Decimal("3.14159"), "numeric(10,2)"),
    ("text", "héllo ✓", "text"), ("empty text", "", "text"), ("varchar", "abc", "varchar(5)"),
    ("bytes", b"\x00\x01\xfe\xff", "bytea"), ("empty bytes", b"", "bytea"),
    ("date", dt.date(2024, 2, 29), "date"), ("old date", dt.date(1, 1, 1), "date"),
    ("time", dt.time(13, 45, 6, 789012), "time"),
    ("timestamp", dt.datetime(2024, 2, 29, 13, 45, 6, 500000), "timestamp"), ("old timestamp", dt.datetime(1900, 6, 15, 1, 2, 3), "timestamp"),
    ("timestamptz", AWARE, "timestamptz"),
    ("interval", dt.timedelta(days=3, hours=4, minutes=5, seconds=6, microseconds=700000), "interval"),
    ("negative interval", dt.timedelta(days=-1, seconds=5), "interval"),
    ("uuid", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "uuid"),
    ("json", Json({"b": 1, "a": [1, 2.5, "x", None, True]}), "json"), ("jsonb", Jsonb({"b": 1, "a": [1, 2]}), "jsonb"),
    ("int list", [1, None, 3], "int4[]"), ("big int list", [2**40, 1], "int8[]"), ("text list", ["a b", None, "", 'q"uote'], "text[]"),
    ("float list", [1.5, -2.0], "float8[]"), ("bool list", [True, False], "bool[]"), ("decimal list", [Decimal("1.25"), None], "numeric[]"),
    ("date list", [dt.date(2024, 1, 2)], "date[]"), ("uuid list", [uuid.UUID(int=1)], "uuid[]"),
    ("null", None, "int4"),
]


def out(*parts):
    print(" ".join(str(p) for p in parts), flush=True)


def show(v):
    """A stable textual form of a fetched value, including its Python type."""
    if isinstance(v, float) and v != v:
        return "float:nan"
    if isinstance(v, (bytes, memoryview, bytearray)):
        return "bytes:" + bytes(v).hex()
    if isinstance(v, list):
        return "list[" + ", ".join(show(x) for x in v) + "]"
    return f"{type(v).__name__}:{v!r}"


def rows(label, cur):
    desc = cur.description or []
    out(label, "columns", [(d.name, d.type_code) for d in desc])
    n = 0
    for r in cur:
        n += 1
        out(label, f"row{n}", [show(x) for x in r])
    out(label, "rows", n)


def guarded(label, conn, fn):
    """Runs one check; an error prints its SQLSTATE (the message goes to stderr) and the session goes on."""
    try:
        fn()
    except psycopg.Error as e:
        out(label, "error", e.sqlstate)
        print(label, e, file=sys.stderr)
        if not conn.autocommit:
            conn.rollback()


def catalog(conn):
    for i, q in enumerate(CATALOG_QUERIES):
        def run(q=q, i=i):
            with conn.cursor() as cur:
                cur.execute(q)
                rows(f"catalog{i}", cur)
        guarded(f"catalog{i}", conn, run)
    for name in ("int4", "text", "uuid", "jsonb", "numeric", "timestamptz", "bytea"):
        info = TypeInfo.fetch(conn, name)
        out("typeinfo", name, info.oid if info else None, info.array_oid if info else None)


def parameters(conn, binary_results):
    tag = "binary" if binary_results else "text"
    with conn.cursor(binary=binary_results) as cur:
        for label, value, cast in VALUES:
            for placeholder in ("%s", "%t", "%b"):
                def run(label=label, value=value, cast=cast, placeholder=placeholder):
                    cur.execute(f"SELECT {placeholder}::{cast} AS v, {placeholder} AS raw", [value, value])
                    (v, raw), = cur.fetchall()
                    out(tag, label, placeholder, show(v), show(raw), [d.type_code for d in cur.description])
                guarded(f"{tag} {label} {placeholder}", conn, run)


def table_round_trip(conn):
    rows_in = []
    for k in range(3):
        rows_in.append((k, k % 2 == 0, k - 1, 1000 * k, 2**62 + k, 0.25 * k, -1.5e10 * k, Decimal("123.456") * k,
                        f"row {k}", f"vc{k}", bytes([k, 0x80]), dt.date(2020, 1 + k, 28), dt.time(k, 30, 15, 500000),
                        dt.datetime(2021, 3, 4, 5, 6, 7, 1000 * k), AWARE + dt.timedelta(hours=k), dt.timedelta(days=k, seconds=k),
                        uuid.UUID(int=k), Json({"k": k}), Jsonb({"k": [k, None]}), [k, None], [f"t{k}"]))
    rows_in.append((3,) + (None,) * 2 + (5,) + (None,) * 17)
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO py_types VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows_in)
        out("executemany rowcount", cur.rowcount)
    for binary in (False, True):
        with conn.cursor(binary=binary) as cur:
            cur.execute("SELECT * FROM py_types WHERE id >= %s ORDER BY id", [0])
            rows(f"table binary={binary}", cur)
        with conn.cursor() as cur:
            cur.execute("SELECT id, n, tz, ai FROM py_types WHERE id = %s", [1], binary=binary)
            rows(f"execute binary={binary}", cur)


def copy(conn):
    with conn.cursor() as cur:
        with cur.copy("COPY py_copy (id, name, score, at, tags) FROM STDIN") as cp:
            cp.write_row((1, "ann", Decimal("19.99"), AWARE, ["a", "b"]))
            cp.write_row((2, "tab\there", None, None, None))
            cp.write_row((3, "back\\slash\nnewline", Decimal("-1"), dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), []))
        out("copy in rowcount", cur.rowcount)
        with cur.copy("COPY py_copy (id, name) FROM STDIN WITH (FORMAT csv)") as cp:
            cp.write(b'4,"quoted, comma"\n5,\n')
        rows("after copy", cur.execute("SELECT * FROM py_copy ORDER BY id"))
        with cur.copy("COPY py_copy TO STDOUT") as cp:
            for i, row in enumerate(cp.rows()):
                out("copy out text", i, row)
        with cur.copy("COPY (SELECT id, name FROM py_copy ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)") as cp:
            data = b"".join(bytes(b) for b in cp)
        out("copy out csv", data)
        # Binary COPY: psycopg encodes each field with the type set here, and decodes the same way.
        with cur.copy("COPY py_copy (id, name, score, at, tags) FROM STDIN (FORMAT binary)") as cp:
            cp.set_types(["int4", "text", "numeric", "timestamptz", "text[]"])
            cp.write_row((6, "binary ✓", Decimal("-0.5"), AWARE, ["x", None]))
            cp.write_row((7, None, None, None, None))
        out("copy in binary rowcount", cur.rowcount)
        with cur.copy("COPY (SELECT id, name, score, at, tags FROM py_copy ORDER BY id) TO STDOUT (FORMAT binary)") as cp:
            cp.set_types(["int4", "text", "numeric", "timestamptz", "text[]"])
            for row in cp.rows():
                out("copy out binary", [show(x) for x in row])
        with cur.copy("COPY py_copy TO STDOUT (FORMAT binary)") as cp:
            data = b"".join(bytes(b) for b in cp)
        out("copy out binary bytes", len(data), data[:19].hex())
    guarded("copy binary garbage", conn, lambda: copy_garbage(conn))
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), sum(score) FROM py_copy")
        out("copy totals", [show(x) for x in cur.fetchone()])


def copy_garbage(conn):
    with conn.cursor() as cur:
        with cur.copy("COPY py_copy (id) FROM STDIN (FORMAT binary)") as cp:
            cp.write(b"not a binary copy header")


def errors_and_transactions(conn):
    guarded("missing table", conn, lambda: conn.execute("SELECT * FROM no_such_table"))
    guarded("division", conn, lambda: conn.execute("SELECT 1 / %s", [0]).fetchall())
    guarded("bad input", conn, lambda: conn.execute("SELECT %s::int4", ["not a number"]).fetchall())
    with conn.transaction():
        conn.execute("INSERT INTO py_copy (id, name) VALUES (%s, %s)", [10, "kept"])
    try:
        with conn.transaction():
            conn.execute("INSERT INTO py_copy (id, name) VALUES (%s, %s)", [11, "dropped"])
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    rows("after transactions", conn.execute("SELECT id, name FROM py_copy WHERE id >= 10 ORDER BY id"))
    # A prepared statement psycopg names itself after a few executions (prepare_threshold).
    conn.prepare_threshold = 1
    for i in range(4):
        out("prepared", i, conn.execute("SELECT %s::int4 * 2, %s::text", [i, f"v{i}"]).fetchone())
    out("server settings", conn.info.parameter_status("server_encoding"), conn.info.parameter_status("client_encoding"),
        conn.info.parameter_status("DateStyle"), conn.info.parameter_status("integer_datetimes"))


def main():
    host, port, user, dbname = sys.argv[1:5]
    conninfo = f"host={host} port={port} user={user} dbname={dbname} options='-c TimeZone=UTC'"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for stmt in SCHEMA:
            conn.execute(stmt)
        catalog(conn)
        parameters(conn, binary_results=False)
        parameters(conn, binary_results=True)
        table_round_trip(conn)
        copy(conn)
        errors_and_transactions(conn)
    out("done")


if __name__ == "__main__":
    main()
