// Functions whose typing or behaviour depends on the call site or the session: pg_typeof,
// current_setting, catalog helpers that tools call (format_type, pg_get_expr …), array functions
// generic over the element type, and set-returning functions in a select list.

import { SqlError, SqlState } from '../../errors.js';
import { DataType, ScalarType, T, arrayOf, formatType, typeFromOid, typeOid } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import { compareDatum } from '../../types/value.js';
import { formatText, parseArrayText } from '../../types/text-io.js';
import type { EvalContext, Expr, ScalarImpl } from '../../plan/expr.js';
import type { Binder } from './binder.js';
import { type ExprCtx, coerce, constExpr } from './bind-expr.js';
import { setReturningFunction, setReturningType } from './set-returning.js';
import { SERVER_VERSION_STRING } from '../../version.js';
import { quoteIdent } from '../../catalog/system/definitions.js';

type Special = (b: Binder, args: Expr[], ctx: ExprCtx) => Expr | undefined;

function call(name: string, type: DataType, args: Expr[], impl: ScalarImpl, strict = true, volatile = false): Expr {
  return { kind: 'call', type, name, args, impl, strict, volatile };
}
const isUnknown = (t: DataType) => t.kind === 'scalar' && t.id === 'unknown';
const toText = (b: Binder, e: Expr) => coerce(b, e, T.text);
const toOid = (b: Binder, e: Expr) => coerce(b, e, isUnknown(e.type) ? T.oid : e.type.kind === 'scalar' && e.type.id === 'int8' ? T.oid : e.type);

function arrayArg(b: Binder, e: Expr): Expr {
  if (e.type.kind === 'array') return e;
  if (isUnknown(e.type)) return coerce(b, e, arrayOf(T.text));
  throw new SqlError(SqlState.UndefinedFunction, `function requires an array argument, not ${formatType(e.type)}`);
}

const SPECIALS: Record<string, Special> = {
  pg_typeof: (_b, a) => constExpr(typeOid(a[0].type), T.regtype),
  version: () => constExpr(SERVER_VERSION_STRING, T.text),
  current_database: (b) => constExpr(b.databaseName(), T.name),
  current_catalog: (b) => constExpr(b.databaseName(), T.name),
  current_schema: (b) => call('current_schema', T.name, [], () => b.catalog.searchPath()[0] ?? null, false),
  current_schemas: (b, a) => call('current_schemas', arrayOf(T.name), [coerce(b, a[0], T.bool)], (v) => (v[0] ? ['pg_catalog', ...b.catalog.searchPath()] : b.catalog.searchPath())),
  current_user: () => call('current_user', T.name, [], (_v, c) => c.session.currentUser(), false),
  session_user: () => call('session_user', T.name, [], (_v, c) => c.session.currentUser(), false),
  pg_backend_pid: () => call('pg_backend_pid', T.int4, [], (_v, c) => c.session.backendPid(), false),
  current_setting: (b, a) => call('current_setting', T.text, [toText(b, a[0]), ...(a[1] ? [coerce(b, a[1], T.bool)] : [])], (v, c) => c.session.currentSetting(v[0] as string, v[1] === true)),
  set_config: (b, a) => call('set_config', T.text, [toText(b, a[0]), toText(b, a[1]), coerce(b, a[2], T.bool)], (v, c) => c.session.setConfig(v[0] as string, v[1] as string, v[2] as boolean), true, true),
  pg_table_is_visible: (b, a) => call('pg_table_is_visible', T.bool, [toOid(b, a[0])], (v, c) => c.session.tableIsVisible(v[0] as number)),
  pg_type_is_visible: (b, a) => call('pg_type_is_visible', T.bool, [toOid(b, a[0])], () => true),
  pg_function_is_visible: (b, a) => call('pg_function_is_visible', T.bool, [toOid(b, a[0])], () => true),
  pg_get_userbyid: (b, a) => call('pg_get_userbyid', T.name, [toOid(b, a[0])], (v, c) => c.session.userName(v[0] as number) ?? `unknown (OID=${v[0]})`),
  format_type: (b, a) => call('format_type', T.text, [toOid(b, a[0]), coerce(b, a[1] ?? constExpr(null, T.int4), T.int4)], (v) => {
    const t = typeFromOid(v[0] as number);
    if (!t) return '???';
    const mod = v[1] as number | null;
    return formatType(t.kind === 'scalar' && mod !== null && mod >= 0 ? { ...t, typmod: mod } : t);
  }, false),
  obj_description: (b, a) => call('obj_description', T.text, [toOid(b, a[0]), ...(a[1] ? [toText(b, a[1])] : [])], (v, c) => c.session.objDescription(v[0] as number, v[1] as string | undefined)),
  shobj_description: (b, a) => call('shobj_description', T.text, [toOid(b, a[0]), toText(b, a[1])], () => null),
  col_description: (b, a) => call('col_description', T.text, [toOid(b, a[0]), coerce(b, a[1], T.int4)], (v, c) => c.session.colDescription(v[0] as number, v[1] as number)),
  pg_get_expr: (b, a) => call('pg_get_expr', T.text, [toText(b, a[0]), toOid(b, a[1]), ...(a[2] ? [coerce(b, a[2], T.bool)] : [])], (v, c) => c.session.expr(v[0] as string)),
  pg_get_indexdef: (b, a) => call('pg_get_indexdef', T.text, a.map((x, i) => (i === 0 ? toOid(b, x) : i === 1 ? coerce(b, x, T.int4) : coerce(b, x, T.bool))), (v, c) => c.session.indexDef(v[0] as number, (v[1] as number | undefined) ?? 0)),
  pg_get_constraintdef: (b, a) => call('pg_get_constraintdef', T.text, a.map((x, i) => (i === 0 ? toOid(b, x) : coerce(b, x, T.bool))), (v, c) => c.session.constraintDef(v[0] as number)),
  pg_get_viewdef: (b, a) => call('pg_get_viewdef', T.text, a.map((x, i) => (i === 0 ? toOid(b, x) : coerce(b, x, x.type.kind === 'scalar' && x.type.id === 'int4' ? T.int4 : T.bool))), (v, c) => c.session.viewDefinition(v[0] as number)),
  pg_encoding_to_char: (b, a) => call('pg_encoding_to_char', T.name, [coerce(b, a[0], T.int4)], (v) => (v[0] === 6 ? 'UTF8' : v[0] === 0 ? 'SQL_ASCII' : '')),
  pg_is_in_recovery: () => constExpr(false, T.bool),
  pg_postmaster_start_time: () => call('pg_postmaster_start_time', T.timestamptz, [], () => SERVER_START_US, false),
  txid_current: () => call('txid_current', T.int8, [], () => BigInt(Date.now()), false, true),
  pg_current_xact_id: () => call('pg_current_xact_id', T.int8, [], () => BigInt(Date.now()), false, true),
  inet_server_port: () => constExpr(null, T.int4),
  inet_server_addr: () => constExpr(null, T.text),
  pg_size_pretty: (b, a) => call('pg_size_pretty', T.text, [coerce(b, a[0], T.int8)], (v) => prettySize(Number(v[0] as bigint))),
  pg_relation_size: (b, a) => call('pg_relation_size', T.int8, [toOid(b, a[0])], () => 0n),
  pg_total_relation_size: (b, a) => call('pg_total_relation_size', T.int8, [toOid(b, a[0])], () => 0n),
  pg_table_size: (b, a) => call('pg_table_size', T.int8, [toOid(b, a[0])], () => 0n),
  pg_indexes_size: (b, a) => call('pg_indexes_size', T.int8, [toOid(b, a[0])], () => 0n),
  pg_database_size: () => constExpr(0n, T.int8),
  to_regclass: (b, a) => call('to_regclass', T.regclass, [toText(b, a[0])], (v, c) => { try { return c.session.regclassIn(v[0] as string); } catch { return null; } }),
  to_regtype: (b, a) => call('to_regtype', T.regtype, [toText(b, a[0])], (v, c) => { try { return c.session.regtypeIn(v[0] as string); } catch { return null; } }),
  nextval: (b, a) => call('nextval', T.int8, [sequenceArg(b, a[0])], (v, c) => c.session.nextval(sequenceName(v[0], c)), true, true),
  currval: (b, a) => call('currval', T.int8, [sequenceArg(b, a[0])], (v, c) => c.session.currval(sequenceName(v[0], c)), true, true),
  setval: (b, a) => call('setval', T.int8, [sequenceArg(b, a[0]), coerce(b, a[1], T.int8), ...(a[2] ? [coerce(b, a[2], T.bool)] : [])], (v, c) => c.session.setval(sequenceName(v[0], c), v[1] as bigint, v[2] !== false), true, true),
  pg_get_serial_sequence: (b, a) => call('pg_get_serial_sequence', T.text, [toText(b, a[0]), toText(b, a[1])], (v, c) => {
    const rel = b.catalog.relationByOid(c.session.regclassIn(v[0] as string));
    if (!rel) return null;
    const name = v[1] as string;
    const col = rel.columns.find((x) => x.name === (/^".*"$/.test(name) ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase()));
    if (!col) throw new SqlError(SqlState.UndefinedColumn, `column "${name}" of relation "${rel.name}" does not exist`);
    return col.sequence ? `${quoteIdent(rel.schema)}.${quoteIdent(col.sequence)}` : null;
  }),
  pg_get_statisticsobjdef_columns: (b, a) => call('pg_get_statisticsobjdef_columns', T.text, [toOid(b, a[0])], () => null),
  pg_relation_is_publishable: (b, a) => call('pg_relation_is_publishable', T.bool, [toOid(b, a[0])], () => true),
  pg_get_ruledef: (b, a) => call('pg_get_ruledef', T.text, a.map((x, i) => (i === 0 ? toOid(b, x) : coerce(b, x, T.bool))), () => null),
  pg_get_triggerdef: (b, a) => call('pg_get_triggerdef', T.text, a.map((x, i) => (i === 0 ? toOid(b, x) : coerce(b, x, T.bool))), () => null),
  pg_get_partkeydef: (b, a) => call('pg_get_partkeydef', T.text, [toOid(b, a[0])], () => null),
  pg_get_function_result: (b, a) => call('pg_get_function_result', T.text, [toOid(b, a[0])], () => null),
  pg_get_function_arguments: (b, a) => call('pg_get_function_arguments', T.text, [toOid(b, a[0])], () => null),
  pg_get_function_identity_arguments: (b, a) => call('pg_get_function_identity_arguments', T.text, [toOid(b, a[0])], () => null),
  pg_tablespace_location: (b, a) => call('pg_tablespace_location', T.text, [toOid(b, a[0])], () => ''),
  pg_my_temp_schema: () => constExpr(0, T.oid),
  pg_is_other_temp_schema: (b, a) => call('pg_is_other_temp_schema', T.bool, [toOid(b, a[0])], () => false),
  pg_opclass_is_visible: visible, pg_opfamily_is_visible: visible, pg_conversion_is_visible: visible, pg_operator_is_visible: visible,
  pg_statistics_obj_is_visible: visible, pg_collation_is_visible: visible, pg_ts_config_is_visible: visible, pg_ts_dict_is_visible: visible,
  pg_ts_parser_is_visible: visible, pg_ts_template_is_visible: visible,
  has_table_privilege: privilege, has_schema_privilege: privilege, has_database_privilege: privilege,
  has_column_privilege: privilege, has_function_privilege: privilege, has_sequence_privilege: privilege,
  has_any_column_privilege: privilege, pg_has_role: privilege, has_type_privilege: privilege,
  // Arrays, generic over the element type.
  array_length: (b, a) => call('array_length', T.int4, [arrayArg(b, a[0]), coerce(b, a[1], T.int4)], (v) => ((v[1] as number) === 1 && (v[0] as Datum[]).length ? (v[0] as Datum[]).length : null)),
  cardinality: (b, a) => call('cardinality', T.int4, [arrayArg(b, a[0])], (v) => (v[0] as Datum[]).length),
  array_upper: (b, a) => call('array_upper', T.int4, [arrayArg(b, a[0]), coerce(b, a[1], T.int4)], (v) => ((v[0] as Datum[]).length ? (v[0] as Datum[]).length : null)),
  array_lower: (b, a) => call('array_lower', T.int4, [arrayArg(b, a[0]), coerce(b, a[1], T.int4)], (v) => ((v[0] as Datum[]).length ? 1 : null)),
  array_ndims: (b, a) => call('array_ndims', T.int4, [arrayArg(b, a[0])], (v) => ((v[0] as Datum[]).length ? 1 : null)),
  array_to_string: (b, a) => {
    const arr = arrayArg(b, a[0]);
    const et = (arr.type as { elem: ScalarType }).elem;
    return call('array_to_string', T.text, [arr, toText(b, a[1]), ...(a[2] ? [toText(b, a[2])] : [])], (v, c) => (v[0] as Datum[])
      .filter((x) => x !== null || v[2] !== undefined)
      .map((x) => (x === null ? (v[2] as string) : formatText(x, et, { timeZone: c.timeZone })))
      .join(v[1] as string));
  },
  string_to_array: (b, a) => call('string_to_array', arrayOf(T.text), [toText(b, a[0]), toText(b, a[1]), ...(a[2] ? [toText(b, a[2])] : [])], (v) => {
    const s = v[0] as string;
    if (s === '') return [];
    const parts = v[1] === null ? [...s] : (v[1] as string) === '' ? [s] : s.split(v[1] as string);
    return parts.map((p) => (v[2] !== undefined && p === v[2] ? null : p));
  }, false),
  array_append: (b, a) => { const arr = arrayArg(b, a[0]); return call('array_append', arr.type, [arr, coerce(b, a[1], (arr.type as { elem: ScalarType }).elem)], (v) => [...((v[0] as Datum[]) ?? []), v[1]], false); },
  array_prepend: (b, a) => { const arr = arrayArg(b, a[1]); return call('array_prepend', arr.type, [coerce(b, a[0], (arr.type as { elem: ScalarType }).elem), arr], (v) => [v[0], ...((v[1] as Datum[]) ?? [])], false); },
  array_cat: (b, a) => { const arr = arrayArg(b, a[0]); return call('array_cat', arr.type, [arr, coerce(b, a[1], arr.type)], (v) => [...((v[0] as Datum[]) ?? []), ...((v[1] as Datum[]) ?? [])], false); },
  array_position: (b, a) => { const arr = arrayArg(b, a[0]); return call('array_position', T.int4, [arr, coerce(b, a[1], (arr.type as { elem: ScalarType }).elem)], (v) => { const i = (v[0] as Datum[]).findIndex((x) => x !== null && compareDatum(x, v[1]) === 0); return i < 0 ? null : i + 1; }); },
  array_remove: (b, a) => { const arr = arrayArg(b, a[0]); return call('array_remove', arr.type, [arr, coerce(b, a[1], (arr.type as { elem: ScalarType }).elem)], (v) => (v[0] as Datum[]).filter((x) => !(x === v[1] || (x !== null && v[1] !== null && compareDatum(x, v[1]) === 0))), false); },
};

/** Sequence functions take a regclass (`nextval('s'::regclass)`, as serial defaults are written) or a name. */
function sequenceArg(b: Binder, e: Expr): Expr {
  return e.type.kind === 'scalar' && (e.type.id === 'regclass' || e.type.id === 'oid') ? e : toText(b, e);
}
function sequenceName(d: Datum, c: EvalContext): string {
  return typeof d === 'number' ? c.session.regclassOut(d) : (d as string);
}

/** Visibility of kinds of objects Weir has none of (opclasses, operators, …): those PostgreSQL shows are all in pg_catalog. */
function visible(b: Binder, a: Expr[]): Expr {
  return call('is_visible', T.bool, [toOid(b, a[0])], () => true);
}

function privilege(b: Binder, a: Expr[]): Expr {
  // Weir has no object privileges yet: every role may use every object.
  return call('has_privilege', T.bool, a, () => true, false);
}

const SERVER_START_US = Date.now() * 1000;

function prettySize(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 10 * 1024 && i < units.length - 1) { v = Math.round(v / 1024); i++; }
  return `${v} ${units[i]}`;
}

export function bindSpecialFunction(b: Binder, name: string, args: Expr[], ctx: ExprCtx, position?: number): Expr | undefined {
  const srf = setReturningFunction(name);
  if (srf) {
    const sig = setReturningType(name, args.map((a) => a.type));
    return call('srf:' + name, sig.type, args.map((a, i) => coerce(b, a, sig.argTypes[i] ?? a.type)), () => {
      throw new SqlError(SqlState.FeatureNotSupported, `set-returning function ${name} is not allowed here`, { position });
    });
  }
  const f = SPECIALS[name];
  return f ? f(b, args, ctx) : undefined;
}

export { parseArrayText };
