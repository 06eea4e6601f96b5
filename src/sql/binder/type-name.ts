// TypeName parse nodes → Weir data types.

import { SqlError, SqlState } from '../../errors.js';
import { DataType, arrayOf, typeFromName } from '../../types/datatype.js';
import { Node, constInt, nameList } from '../ast.js';

/** The field restriction of an interval type name (`INTERVAL '1' DAY`, `INTERVAL(3)`): its typmod range mask and precision. */
export function intervalRange(tn: Node): { range: number; precision?: number } | undefined {
  const names = nameList(tn.names).filter((n) => n !== 'pg_catalog');
  if (names.length !== 1 || names[0] !== 'interval' || !tn.typmods?.length) return undefined;
  const range = constInt(tn.typmods[0]);
  return range === undefined ? undefined : { range, precision: constInt(tn.typmods[1]) };
}

export function bindTypeName(tn: Node): DataType {
  const names = nameList(tn.names).filter((n) => n !== 'pg_catalog');
  let name = names.join('.');
  const mods = (tn.typmods ?? []).map((m: Node) => constInt(m) ?? 0);
  // The grammar spells CHAR(n) as bpchar, so a plain `char` here is the quoted one-byte "char" type.
  if (name === 'char') name = '"char"';
  if (name === 'interval') mods.length = 0; // field restrictions apply to literals only (bind-expr.ts, intervalRange)
  if (name === 'float' && mods.length) { name = mods[0] <= 24 ? 'float4' : 'float8'; mods.length = 0; }
  const t = typeFromName(name, mods);
  if (!t) throw new SqlError(SqlState.UndefinedObject, `type "${names.join('.')}" does not exist`, { position: tn.location !== undefined ? tn.location + 1 : undefined });
  if (t.id === 'varchar' && mods.length && mods[0] < 1) throw new SqlError(SqlState.InvalidParameterValue, `length for type varchar must be at least 1`);
  if (t.id === 'numeric' && mods.length && (mods[0] < 1 || mods[0] > 1000)) throw new SqlError(SqlState.InvalidParameterValue, `NUMERIC precision ${mods[0]} must be between 1 and 1000`);
  return tn.arrayBounds && tn.arrayBounds.length ? arrayOf(t) : t;
}
