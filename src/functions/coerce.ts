// Which types convert to which without an explicit cast, and the common type of a set of
// expressions (UNION, CASE, IN, VALUES), following PostgreSQL's type categories and preferences.

import { SqlError, SqlState } from '../errors.js';
import { DataType, ScalarTypeId, T, formatType, isNumeric, isString, sameType } from '../types/datatype.js';

const NUMERIC_RANK: Partial<Record<ScalarTypeId, number>> = { int2: 1, int4: 2, int8: 3, numeric: 4, float4: 5, float8: 6 };
const DATETIME_RANK: Partial<Record<ScalarTypeId, number>> = { date: 1, timestamp: 2, timestamptz: 3 };
const OID_TYPES = new Set<ScalarTypeId>(['oid', 'regclass', 'regtype', 'regproc', 'regnamespace']);

export type CoercionContext = 'implicit' | 'assignment' | 'explicit';

export function canCoerce(from: DataType, to: DataType, context: CoercionContext): boolean {
  if (sameType(from, to)) return true;
  if (from.kind === 'scalar' && from.id === 'unknown') return true;
  if (to.kind === 'scalar' && to.id === 'any') return true;
  if (from.kind === 'array' || to.kind === 'array') {
    if (from.kind === 'array' && to.kind === 'array') return canCoerce(from.elem, to.elem, context);
    return context === 'explicit' && (isString(from) || isString(to));
  }
  const f = from.id, t = to.id;
  const fr = NUMERIC_RANK[f], tr = NUMERIC_RANK[t];
  if (fr && tr) return fr <= tr || context !== 'implicit';
  if (isString(from) && isString(to)) return true;
  if (DATETIME_RANK[f] && DATETIME_RANK[t]) return DATETIME_RANK[f]! <= DATETIME_RANK[t]! || context !== 'implicit';
  if (OID_TYPES.has(f) && OID_TYPES.has(t)) return true;
  if ((f === 'int4' || f === 'int2' || f === 'int8') && OID_TYPES.has(t)) return true;
  if (OID_TYPES.has(f) && (t === 'int4' || t === 'int8')) return context !== 'implicit' || t === 'int8';
  if ((f === 'json' || f === 'jsonb') && (t === 'json' || t === 'jsonb')) return context !== 'implicit';
  if (context === 'assignment' && isString(to)) return true;
  if (context === 'explicit') {
    if (isString(from) || isString(to)) return true;
    if ((f === 'int4' && t === 'bool') || (f === 'bool' && t === 'int4')) return true;
    if (f === 'timestamp' || f === 'timestamptz') return t === 'time' || t === 'date';
    if (f === 'interval' && t === 'time') return true;
  }
  return false;
}

/** The type every input can be coerced to implicitly (PostgreSQL's select_common_type). */
export function commonType(types: readonly DataType[], what: string): DataType {
  const known = types.filter((t) => !(t.kind === 'scalar' && t.id === 'unknown'));
  if (known.length === 0) return T.text;
  let best = known[0];
  for (const t of known.slice(1)) {
    if (sameType(best, t)) continue;
    if (best.kind === 'scalar' && t.kind === 'scalar') {
      const br = NUMERIC_RANK[best.id], tr = NUMERIC_RANK[t.id];
      if (br && tr) { if (tr > br) best = t; continue; }
      if (isString(best) && isString(t)) { best = T.text; continue; }
      const bd = DATETIME_RANK[best.id], td = DATETIME_RANK[t.id];
      if (bd && td) { if (td > bd) best = t; continue; }
      if (OID_TYPES.has(best.id) && OID_TYPES.has(t.id)) { best = T.oid; continue; }
      // Integers convert to oid implicitly, not the other way round: oid wins (IN (oid, 23, …)).
      if (OID_TYPES.has(best.id) && (t.id === 'int2' || t.id === 'int4' || t.id === 'int8')) continue;
      if ((best.id === 'int2' || best.id === 'int4' || best.id === 'int8') && OID_TYPES.has(t.id)) { best = t; continue; }
      if ((best.id === 'json' || best.id === 'jsonb') && (t.id === 'json' || t.id === 'jsonb')) { best = T.jsonb; continue; }
    }
    if (best.kind === 'array' && t.kind === 'array') { best = { kind: 'array', elem: commonType([best.elem, t.elem], what) as typeof best.elem }; continue; }
    throw new SqlError(SqlState.DatatypeMismatch, `${what} types ${formatType(best)} and ${formatType(t)} cannot be matched`);
  }
  // Keep typmods only when every input agrees.
  if (best.kind === 'scalar' && best.typmod >= 0 && !known.every((t) => t.kind === 'scalar' && t.id === best.id && t.typmod === (best as typeof t).typmod)) {
    return { kind: 'scalar', id: best.id, typmod: -1 };
  }
  return best;
}

export function numericRank(t: DataType): number { return t.kind === 'scalar' ? NUMERIC_RANK[t.id] ?? 0 : 0; }
export { isNumeric };
