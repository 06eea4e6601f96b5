// SQL data types known to Weir, with the PostgreSQL OIDs that clients see in RowDescription and pg_type.

export type ScalarTypeId =
  | 'bool' | 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'numeric'
  | 'text' | 'varchar' | 'bpchar' | 'name' | 'char' | 'bytea'
  | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'interval'
  | 'json' | 'jsonb' | 'uuid' | 'oid' | 'regclass' | 'regtype' | 'regproc' | 'regnamespace'
  | 'unknown' | 'void' | 'record' | 'any';

export interface ScalarType {
  readonly kind: 'scalar'; readonly id: ScalarTypeId; readonly typmod: number;
  /** For `record` values with a known shape (a composite returned by a function): the field names and types, a value being one Datum per field. */
  readonly fields?: readonly RecordField[];
}
export interface RecordField { readonly name: string; readonly type: DataType }
export interface ArrayType { readonly kind: 'array'; readonly elem: ScalarType }
export type DataType = ScalarType | ArrayType;

interface TypeInfo { oid: number; arrayOid: number; name: string; len: number; category: string }

export const TYPE_INFO: Record<ScalarTypeId, TypeInfo> = {
  bool: { oid: 16, arrayOid: 1000, name: 'boolean', len: 1, category: 'B' },
  bytea: { oid: 17, arrayOid: 1001, name: 'bytea', len: -1, category: 'U' },
  char: { oid: 18, arrayOid: 1002, name: '"char"', len: 1, category: 'Z' },
  name: { oid: 19, arrayOid: 1003, name: 'name', len: 64, category: 'S' },
  int8: { oid: 20, arrayOid: 1016, name: 'bigint', len: 8, category: 'N' },
  int2: { oid: 21, arrayOid: 1005, name: 'smallint', len: 2, category: 'N' },
  int4: { oid: 23, arrayOid: 1007, name: 'integer', len: 4, category: 'N' },
  regproc: { oid: 24, arrayOid: 1008, name: 'regproc', len: 4, category: 'N' },
  text: { oid: 25, arrayOid: 1009, name: 'text', len: -1, category: 'S' },
  oid: { oid: 26, arrayOid: 1028, name: 'oid', len: 4, category: 'N' },
  json: { oid: 114, arrayOid: 199, name: 'json', len: -1, category: 'U' },
  float4: { oid: 700, arrayOid: 1021, name: 'real', len: 4, category: 'N' },
  float8: { oid: 701, arrayOid: 1022, name: 'double precision', len: 8, category: 'N' },
  unknown: { oid: 705, arrayOid: 0, name: 'unknown', len: -2, category: 'X' },
  bpchar: { oid: 1042, arrayOid: 1014, name: 'character', len: -1, category: 'S' },
  varchar: { oid: 1043, arrayOid: 1015, name: 'character varying', len: -1, category: 'S' },
  date: { oid: 1082, arrayOid: 1182, name: 'date', len: 4, category: 'D' },
  time: { oid: 1083, arrayOid: 1183, name: 'time without time zone', len: 8, category: 'D' },
  timestamp: { oid: 1114, arrayOid: 1115, name: 'timestamp without time zone', len: 8, category: 'D' },
  timestamptz: { oid: 1184, arrayOid: 1185, name: 'timestamp with time zone', len: 8, category: 'D' },
  interval: { oid: 1186, arrayOid: 1187, name: 'interval', len: 16, category: 'T' },
  numeric: { oid: 1700, arrayOid: 1231, name: 'numeric', len: -1, category: 'N' },
  regclass: { oid: 2205, arrayOid: 2210, name: 'regclass', len: 4, category: 'N' },
  regtype: { oid: 2206, arrayOid: 2211, name: 'regtype', len: 4, category: 'N' },
  regnamespace: { oid: 4089, arrayOid: 4090, name: 'regnamespace', len: 4, category: 'N' },
  uuid: { oid: 2950, arrayOid: 2951, name: 'uuid', len: 16, category: 'U' },
  jsonb: { oid: 3802, arrayOid: 3807, name: 'jsonb', len: -1, category: 'U' },
  void: { oid: 2278, arrayOid: 0, name: 'void', len: 4, category: 'P' },
  record: { oid: 2249, arrayOid: 2287, name: 'record', len: -1, category: 'P' },
  any: { oid: 2276, arrayOid: 0, name: '"any"', len: 4, category: 'P' },
};

const scalarCache = new Map<ScalarTypeId, ScalarType>();
export function scalar(id: ScalarTypeId, typmod = -1): ScalarType {
  if (typmod !== -1) return { kind: 'scalar', id, typmod };
  let t = scalarCache.get(id);
  if (!t) { t = { kind: 'scalar', id, typmod: -1 }; scalarCache.set(id, t); }
  return t;
}
export function arrayOf(elem: ScalarType): ArrayType { return { kind: 'array', elem }; }
/** An anonymous composite type (PostgreSQL's `record` with a known shape), e.g. what _pg_expandarray returns. */
export function recordOf(fields: readonly RecordField[]): ScalarType { return { kind: 'scalar', id: 'record', typmod: -1, fields }; }

export const T = {
  bool: scalar('bool'), int2: scalar('int2'), int4: scalar('int4'), int8: scalar('int8'),
  float4: scalar('float4'), float8: scalar('float8'), numeric: scalar('numeric'),
  text: scalar('text'), varchar: scalar('varchar'), bpchar: scalar('bpchar'), name: scalar('name'), char: scalar('char'),
  bytea: scalar('bytea'), date: scalar('date'), time: scalar('time'), timestamp: scalar('timestamp'),
  timestamptz: scalar('timestamptz'), interval: scalar('interval'), json: scalar('json'), jsonb: scalar('jsonb'),
  uuid: scalar('uuid'), oid: scalar('oid'), regclass: scalar('regclass'), regtype: scalar('regtype'),
  regproc: scalar('regproc'), regnamespace: scalar('regnamespace'),
  unknown: scalar('unknown'), void: scalar('void'), record: scalar('record'), any: scalar('any'),
} as const;

export function typeOid(t: DataType): number {
  return t.kind === 'array' ? TYPE_INFO[t.elem.id].arrayOid : TYPE_INFO[t.id].oid;
}

const byOid = new Map<number, DataType>();
for (const id of Object.keys(TYPE_INFO) as ScalarTypeId[]) {
  const info = TYPE_INFO[id];
  byOid.set(info.oid, scalar(id));
  if (info.arrayOid) byOid.set(info.arrayOid, arrayOf(scalar(id)));
}
export function typeFromOid(oid: number): DataType | undefined { return byOid.get(oid); }

export function typeLen(t: DataType): number { return t.kind === 'array' ? -1 : TYPE_INFO[t.id].len; }

export function sameType(a: DataType, b: DataType): boolean {
  if (a.kind === 'array' || b.kind === 'array') return a.kind === b.kind && sameType((a as ArrayType).elem, (b as ArrayType).elem);
  return a.id === b.id;
}

export function isNumeric(t: DataType): boolean {
  return t.kind === 'scalar' && (t.id === 'int2' || t.id === 'int4' || t.id === 'int8' || t.id === 'float4' || t.id === 'float8' || t.id === 'numeric');
}
export function isInteger(t: DataType): boolean {
  return t.kind === 'scalar' && (t.id === 'int2' || t.id === 'int4' || t.id === 'int8');
}
export function isString(t: DataType): boolean {
  return t.kind === 'scalar' && (t.id === 'text' || t.id === 'varchar' || t.id === 'bpchar' || t.id === 'name' || t.id === 'unknown' || t.id === 'char');
}
export function isOidLike(t: DataType): boolean {
  return t.kind === 'scalar' && (t.id === 'oid' || t.id === 'regclass' || t.id === 'regtype' || t.id === 'regproc' || t.id === 'regnamespace');
}

/** The SQL spelling PostgreSQL's format_type() gives, e.g. `character varying(20)`, `numeric(10,2)`, `integer[]`. */
export function formatType(t: DataType): string {
  if (t.kind === 'array') return formatType(t.elem) + '[]';
  const base = TYPE_INFO[t.id].name;
  if (t.typmod < 0) return base;
  switch (t.id) {
    case 'varchar': case 'bpchar': return `${base}(${t.typmod - 4})`;
    case 'numeric': { const m = t.typmod - 4; return `numeric(${(m >> 16) & 0xffff},${m & 0xffff})`; }
    case 'timestamp': return `timestamp(${t.typmod}) without time zone`;
    case 'timestamptz': return `timestamp(${t.typmod}) with time zone`;
    case 'time': return `time(${t.typmod}) without time zone`;
    default: return base;
  }
}

/** Resolve a type name as written in SQL (after libpg-query's normalisation) to a Weir type. */
export function typeFromName(name: string, mods: number[] = []): ScalarType | undefined {
  const n = name.toLowerCase();
  const id = TYPE_ALIASES[n];
  if (!id) return undefined;
  switch (id) {
    case 'varchar': case 'bpchar':
      if (mods.length) return scalar(id, mods[0] + 4);
      return id === 'bpchar' && (n === 'char' || n === 'character' || n === 'bpchar') && name !== 'bpchar' ? scalar(id, 5) : scalar(id);
    case 'numeric':
      if (mods.length) return scalar(id, (((mods[0] & 0xffff) << 16) | ((mods[1] ?? 0) & 0xffff)) + 4);
      return scalar(id);
    case 'timestamp': case 'timestamptz': case 'time':
      return mods.length ? scalar(id, mods[0]) : scalar(id);
    default: return scalar(id);
  }
}

const TYPE_ALIASES: Record<string, ScalarTypeId> = {
  bool: 'bool', boolean: 'bool',
  int2: 'int2', smallint: 'int2',
  int4: 'int4', int: 'int4', integer: 'int4', serial: 'int4', serial4: 'int4',
  int8: 'int8', bigint: 'int8', bigserial: 'int8', serial8: 'int8',
  float4: 'float4', real: 'float4',
  float8: 'float8', 'double precision': 'float8', float: 'float8',
  numeric: 'numeric', decimal: 'numeric',
  text: 'text', varchar: 'varchar', 'character varying': 'varchar',
  bpchar: 'bpchar', char: 'bpchar', character: 'bpchar',
  name: 'name', '"char"': 'char',
  bytea: 'bytea', date: 'date',
  time: 'time', 'time without time zone': 'time',
  timestamp: 'timestamp', 'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz',
  interval: 'interval', json: 'json', jsonb: 'jsonb', uuid: 'uuid',
  oid: 'oid', regclass: 'regclass', regtype: 'regtype', regproc: 'regproc', regnamespace: 'regnamespace',
  unknown: 'unknown', void: 'void', record: 'record',
};
