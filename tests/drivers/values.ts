// One SQL literal per supported type and edge case, shared by the driver tests that compare binary
// results between Weir and PostgreSQL. Each entry is an expression valid in both.

export const TYPED_VALUES: readonly string[] = [
  `true`, `false`,
  `0::int2`, `(-32768)::int2`, `32767::int2`,
  `0::int4`, `(-2147483648)::int4`, `2147483647::int4`,
  `0::int8`, `(-9223372036854775808)::int8`, `9223372036854775807::int8`,
  `1.5::float4`, `(-0.1)::float4`, `'NaN'::float4`, `'Infinity'::float4`, `3.4e38::float4`,
  `0.1::float8`, `(-1e300)::float8`, `'-Infinity'::float8`, `'NaN'::float8`, `5e-324::float8`,
  `0::numeric`, `0.00::numeric`, `1::numeric`, `(-1)::numeric`, `123.45::numeric`, `10000::numeric`, `0.0001::numeric`,
  `100000000.000000001::numeric`, `(-98765432109876543210.0123456789)::numeric`, `'NaN'::numeric`, `1.50::numeric(10,2)`, `0.000001::numeric`, `1e20::numeric`,
  `'hello'::text`, `''::text`, `'héllo wörld ✓'::text`, `'abc'::varchar(10)`, `'ab'::char(4)`, `'pg_class'::name`, `'x'::"char"`,
  `'\\x'::bytea`, `'\\x00ff10807f'::bytea`,
  `'2024-02-29'::date`, `'1999-12-31'::date`, `'2000-01-01'::date`, `'0001-01-01'::date`, `'infinity'::date`, `'-infinity'::date`,
  `'00:00:00'::time`, `'13:45:06.789012'::time`, `'23:59:59.999999'::time`,
  `'2024-02-29 13:45:06.5'::timestamp`, `'1970-01-01 00:00:00'::timestamp`, `'1900-06-15 01:02:03'::timestamp`, `'infinity'::timestamp`,
  `'2024-02-29 13:45:06.123456+00'::timestamptz`, `'1999-12-31 23:59:59-08'::timestamptz`, `'-infinity'::timestamptz`,
  `'1 year 2 mons 3 days 04:05:06.7'::interval`, `'-1 days'::interval`, `'00:00:00'::interval`, `'-3 mons 01:00:00'::interval`,
  `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid`, `'00000000-0000-0000-0000-000000000000'::uuid`,
  `'{"b": 1, "a": [1, 2.5, "x", null, true]}'::json`, `'{"b": 1, "a": [1, 2.5, "x", null, true]}'::jsonb`, `'[]'::jsonb`, `'"s"'::jsonb`,
  `1259::oid`, `4294967295::oid`,
  `ARRAY[1, NULL, 3]::int4[]`, `ARRAY[]::int4[]`, `ARRAY[1, 2]::int2[]`, `ARRAY[9223372036854775807]::int8[]`,
  `ARRAY['a', NULL, 'b c', '']::text[]`, `ARRAY['x']::varchar[]`, `ARRAY[true, false]`, `ARRAY[1.5, -2]::float8[]`, `ARRAY[0.5]::float4[]`,
  `ARRAY[1.25, NULL, 0]::numeric[]`, `ARRAY['2024-01-02']::date[]`, `ARRAY['2024-01-02 03:04:05']::timestamp[]`,
  `ARRAY['2024-01-02 03:04:05+00']::timestamptz[]`, `ARRAY['1 day']::interval[]`, `ARRAY['\\x01'::bytea]`,
  `ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]`, `ARRAY['{"a":1}'::jsonb]`, `ARRAY[[1, 2], [3, 4]]::int4[]`,
  `NULL::int4`, `NULL::text`,
];
