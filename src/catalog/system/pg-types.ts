// pg_type, pg_am, pg_collation and the names of the functions they refer to (regproc values):
// the properties PostgreSQL 15 gives each built-in type Weir supports, and its arrays.

import { TYPE_INFO, type ScalarTypeId } from '../../types/datatype.js';
import { BOOTSTRAP_USER_OID, PG_CATALOG_OID } from '../catalog.js';
import { defineCatalog, type RowObject } from './registry.js';
import { BTREE_AM_OID, C_COLLATION_OID, DEFAULT_COLLATION_OID, HEAP_AM_OID } from './oids.js';

/** [typalign, typstorage, typispreferred, typcollation, I/O function stem, typmod function stem]. */
type TypeProps = [align: string, storage: string, preferred: boolean, collation: number, io: string, modio?: string];

const PROPS: Record<ScalarTypeId, TypeProps> = {
  bool: ['c', 'p', true, 0, 'bool'], bytea: ['i', 'x', false, 0, 'bytea'], char: ['c', 'p', false, 0, 'char'],
  name: ['c', 'p', false, C_COLLATION_OID, 'name'], int8: ['d', 'p', false, 0, 'int8'], int2: ['s', 'p', false, 0, 'int2'],
  int4: ['i', 'p', false, 0, 'int4'], regproc: ['i', 'p', false, 0, 'regproc'], text: ['i', 'x', true, DEFAULT_COLLATION_OID, 'text'],
  oid: ['i', 'p', true, 0, 'oid'], json: ['i', 'x', false, 0, 'json_'], float4: ['i', 'p', false, 0, 'float4'],
  float8: ['d', 'p', true, 0, 'float8'], unknown: ['c', 'p', false, 0, 'unknown'],
  bpchar: ['i', 'x', false, DEFAULT_COLLATION_OID, 'bpchar', 'bpchar'], varchar: ['i', 'x', false, DEFAULT_COLLATION_OID, 'varchar', 'varchar'],
  date: ['i', 'p', false, 0, 'date_'], time: ['d', 'p', false, 0, 'time_', 'time'], timestamp: ['d', 'p', false, 0, 'timestamp_', 'timestamp'],
  timestamptz: ['d', 'p', true, 0, 'timestamptz_', 'timestamptz'], interval: ['d', 'p', true, 0, 'interval_', 'interval'],
  numeric: ['i', 'm', false, 0, 'numeric_', 'numeric'], regclass: ['i', 'p', false, 0, 'regclass'], regtype: ['i', 'p', false, 0, 'regtype'],
  regnamespace: ['i', 'p', false, 0, 'regnamespace'], uuid: ['c', 'p', false, 0, 'uuid_'], jsonb: ['i', 'x', false, 0, 'jsonb_'],
  void: ['i', 'p', false, 0, 'void_'], record: ['d', 'x', false, 0, 'record_'], any: ['i', 'p', false, 0, 'any_'],
};

const PSEUDO = new Set<ScalarTypeId>(['unknown', 'void', 'record', 'any']);

// ---- function names behind regproc columns ----
const procNames: string[] = [];
const procOids = new Map<string, number>();
const PROC_BASE = 0x18000000;
function proc(name: string): number {
  let oid = procOids.get(name);
  if (oid === undefined) { oid = PROC_BASE + procNames.length; procNames.push(name); procOids.set(name, oid); }
  return oid;
}
/** regproc output: the function's name, `-` for 0, the number for an unknown OID. */
export function procNameByOid(oid: number): string | undefined {
  if (oid === 0) return '-';
  return oid >= PROC_BASE ? procNames[oid - PROC_BASE] : undefined;
}
export function procOidByName(name: string): number | undefined { return procOids.get(name); }

function ioNames(stem: string, withRecv: boolean): { in: number; out: number; recv: number; send: number } {
  return { in: proc(`${stem}in`), out: proc(`${stem}out`), recv: withRecv ? proc(`${stem}recv`) : 0, send: withRecv ? proc(`${stem}send`) : 0 };
}

function typeRows(): RowObject[] {
  const rows: RowObject[] = [];
  for (const id of Object.keys(TYPE_INFO) as ScalarTypeId[]) {
    const info = TYPE_INFO[id];
    const [align, storage, preferred, collation, io, modio] = PROPS[id];
    const names = ioNames(io, id !== 'any');
    const modin = modio ? proc(`${modio}typmodin`) : 0, modout = modio ? proc(`${modio}typmodout`) : 0;
    const common = { typnamespace: PG_CATALOG_OID, typowner: BOOTSTRAP_USER_OID, typisdefined: true, typdelim: ',', typtypmod: -1, typmodin: modin, typmodout: modout };
    rows.push({
      ...common, oid: info.oid, typname: id, typlen: info.len, typbyval: info.len > 0 && info.len <= 8 && id !== 'name' && id !== 'interval' && id !== 'uuid',
      typtype: PSEUDO.has(id) ? 'p' : 'b', typcategory: info.category, typispreferred: preferred, typelem: id === 'name' ? TYPE_INFO.char.oid : 0,
      typarray: info.arrayOid, typinput: names.in, typoutput: names.out, typreceive: names.recv, typsend: names.send,
      typalign: align, typstorage: storage, typcollation: collation,
    });
    if (info.arrayOid) {
      rows.push({
        ...common, oid: info.arrayOid, typname: '_' + id, typlen: -1, typbyval: false, typtype: PSEUDO.has(id) ? 'p' : 'b', typcategory: PSEUDO.has(id) ? 'P' : 'A',
        typelem: info.oid, typinput: proc('array_in'), typoutput: proc('array_out'), typreceive: proc('array_recv'), typsend: proc('array_send'),
        typsubscript: proc('array_subscript_handler'), typanalyze: proc('array_typanalyze'), typalign: align === 'd' ? 'd' : 'i', typstorage: 'x', typcollation: collation,
      });
    }
  }
  return rows;
}

defineCatalog('pg_type', typeRows);

defineCatalog('pg_am', (): RowObject[] => [
  { oid: HEAP_AM_OID, amname: 'heap', amhandler: proc('heap_tableam_handler'), amtype: 't' },
  { oid: BTREE_AM_OID, amname: 'btree', amhandler: proc('bthandler'), amtype: 'i' },
  { oid: 405, amname: 'hash', amhandler: proc('hashhandler'), amtype: 'i' },
]);

defineCatalog('pg_collation', (): RowObject[] => [
  { oid: DEFAULT_COLLATION_OID, collname: 'default', collnamespace: PG_CATALOG_OID, collowner: BOOTSTRAP_USER_OID, collprovider: 'd', collisdeterministic: true, collencoding: -1 },
  { oid: C_COLLATION_OID, collname: 'C', collnamespace: PG_CATALOG_OID, collowner: BOOTSTRAP_USER_OID, collprovider: 'c', collisdeterministic: true, collencoding: -1, collcollate: 'C', collctype: 'C' },
  { oid: 951, collname: 'POSIX', collnamespace: PG_CATALOG_OID, collowner: BOOTSTRAP_USER_OID, collprovider: 'c', collisdeterministic: true, collencoding: -1, collcollate: 'POSIX', collctype: 'POSIX' },
]);

/** Storage and alignment of a type, for pg_attribute. */
export function typeStorage(id: ScalarTypeId | 'array'): { align: string; storage: string; collation: number } {
  if (id === 'array') return { align: 'i', storage: 'x', collation: 0 };
  const [align, storage, , collation] = PROPS[id];
  return { align, storage, collation };
}
