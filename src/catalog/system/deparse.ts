// Prints a column default the way PostgreSQL's pg_get_expr(adbin, adrelid, true) does: the stored
// SQL is re-parsed and printed with PostgreSQL's rules for constants (string literals carry the
// type they were coerced to, `'abc'::text`; negative numbers are quoted, `'-1'::integer`) and
// implicit casts left out. Forms it does not know are printed as written.

import { parseSql } from '../../sql/parser.js';
import { nameList, nodeTag, type Node } from '../../sql/ast.js';
import { bindTypeName } from '../../sql/binder/type-name.js';
import { TYPE_INFO, formatType, type DataType } from '../../types/datatype.js';

/** The text psql shows in \d's Default column, or null for a default of plain NULL (PostgreSQL stores none). */
export function defaultExpressionText(sql: string, target: DataType): string | null {
  try {
    const stmt = parseSql(`SELECT ${sql}`)[0];
    const expr = stmt?.node?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
    if (!expr) return sql;
    if (expr.A_Const?.isnull) return null;
    return deparse(expr, target, true);
  } catch {
    return sql;
  }
}

class Unknown extends Error {}

function typeLabel(t: DataType): string {
  if (t.kind === 'array') return typeLabel(t.elem) + '[]';
  // Constants coerced from a literal keep the base type without its typmod; bpchar prints as itself.
  if (t.id === 'bpchar') return 'bpchar';
  return formatType({ ...t, typmod: -1 });
}

function quote(s: string): string { return "'" + s.replace(/'/g, "''") + "'"; }

/** A numeric literal as PostgreSQL prints a constant of the type it was read as. */
function numberConst(text: string, isInt: boolean): string {
  if (text.startsWith('-')) return `${quote(text)}::${isInt ? 'integer' : 'numeric'}`;
  if (!isInt && !/[.eE]/.test(text)) return `${quote(text)}::numeric`;
  return text;
}

function constText(c: Node, target: DataType | null): string {
  if (c.isnull) return target ? `NULL::${typeLabel(target)}` : 'NULL';
  if (c.ival !== undefined) return numberConst(String(c.ival.ival ?? 0), true);
  if (c.fval !== undefined) {
    const s: string = c.fval.fval;
    const isInt = /^-?\d+$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;
    if (isInt && !(BigInt(s) >= -(2n ** 31n) && BigInt(s) < 2n ** 31n)) return s.startsWith('-') ? `${quote(s)}::bigint` : s;
    return numberConst(s, isInt);
  }
  if (c.boolval !== undefined) return c.boolval.boolval ? 'true' : 'false';
  if (c.sval !== undefined) {
    const s: string = c.sval.sval ?? '';
    const t = target ?? { kind: 'scalar', id: 'text', typmod: -1 };
    if (t.kind === 'scalar') {
      if (t.id === 'bool') { if (/^(t|true|y|yes|on|1)$/i.test(s.trim())) return 'true'; if (/^(f|false|n|no|off|0)$/i.test(s.trim())) return 'false'; }
      if ((t.id === 'int4' || t.id === 'int2' || t.id === 'int8') && /^\s*[+-]?\d+\s*$/.test(s)) {
        const v = String(BigInt(s.trim()));
        return v.startsWith('-') || t.id !== 'int4' ? `${quote(v)}::${typeLabel(t)}` : v;
      }
      if (t.id === 'numeric' && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(s)) return numberConst(s.trim().replace(/^\+/, ''), false);
    }
    return `${quote(s)}::${typeLabel(t)}`;
  }
  throw new Unknown();
}

const SVF: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE', SVFOP_CURRENT_TIME: 'CURRENT_TIME', SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME', SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP', SVFOP_CURRENT_ROLE: 'CURRENT_ROLE', SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_USER: 'USER', SVFOP_SESSION_USER: 'SESSION_USER', SVFOP_CURRENT_CATALOG: 'CURRENT_CATALOG', SVFOP_CURRENT_SCHEMA: 'CURRENT_SCHEMA',
};

function deparse(n: Node, target: DataType | null, top: boolean): string {
  const tag = nodeTag(n);
  const v = n[tag];
  switch (tag) {
    case 'A_Const': return constText(v, target);
    case 'TypeCast': {
      const t = bindTypeName(v.typeName);
      if (v.arg.A_Const && v.arg.A_Const.sval !== undefined) return `${quote(v.arg.A_Const.sval.sval ?? '')}::${formatType(t)}`;
      const inner = deparse(v.arg, null, false);
      return `(${inner})::${formatType(t)}`;
    }
    case 'FuncCall': {
      const name = nameList(v.funcname).filter((x) => x !== 'pg_catalog').join('.');
      const args = ((v.args ?? []) as Node[]).map((a) => deparse(a, null, false));
      return `${name}(${args.join(', ')})`;
    }
    case 'SQLValueFunction': {
      const s = SVF[v.op as string];
      if (!s) throw new Unknown();
      return v.typmod !== undefined && v.typmod >= 0 ? `${s}(${v.typmod})` : s;
    }
    case 'A_Expr': {
      if (v.kind !== 'AEXPR_OP') throw new Unknown();
      const op = nameList(v.name).pop()!;
      const l = v.lexpr ? deparse(v.lexpr, target && isNumericTarget(target) ? target : null, false) : null;
      const r = deparse(v.rexpr, target && isNumericTarget(target) ? target : null, false);
      const s = l === null ? `${op} ${r}` : `${l} ${op} ${r}`;
      return top ? s : `(${s})`;
    }
    case 'ColumnRef': return nameList(v.fields).join('.');
    default: throw new Unknown();
  }
}

function isNumericTarget(t: DataType): boolean { return t.kind === 'scalar' && TYPE_INFO[t.id].category === 'N'; }
