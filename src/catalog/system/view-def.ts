// pg_get_viewdef(view, true): a view's defining query printed as PostgreSQL 15 prints it, for the
// simple shape most views have (one table, a select list, WHERE, GROUP BY, ORDER BY, LIMIT):
// every column qualified with its table, one select-list item per line, constants labelled with
// the type they are compared as. Other queries are printed as they were written.

import { parseSql } from '../../sql/parser.js';
import { nameList, nodeTag, type Node } from '../../sql/ast.js';
import { formatType, TYPE_INFO, type DataType } from '../../types/datatype.js';
import type { Catalog, RelationDef } from '../catalog.js';
import { quoteIdent } from './definitions.js';
import { EMIT_ON_WINDOW_CLOSE_OPTION } from '../../stream/plan/emit-on-window-close.js';

class Unsupported extends Error {}

interface Ctx { qualifier: string; columns: Map<string, DataType> }

export function viewDefinitionText(rel: RelationDef, catalog: Catalog): string {
  // A streaming clause kept beside the query (in the relation's options) belongs to its definition.
  const emit = rel.options?.[EMIT_ON_WINDOW_CLOSE_OPTION] === 'true' ? '\n  EMIT ON WINDOW CLOSE' : '';
  try {
    return ' ' + printSelect(parseSql(rel.query!)[0].node.SelectStmt, rel, catalog) + emit + ';';
  } catch {
    return ' ' + rel.query + emit + ';';
  }
}

function printSelect(q: Node, view: RelationDef, catalog: Catalog): string {
  if (!q || q.op !== 'SETOP_NONE' || q.withClause || q.distinctClause || q.valuesLists || (q.fromClause ?? []).length !== 1) throw new Unsupported();
  const from = q.fromClause[0].RangeVar;
  if (!from) throw new Unsupported();
  const schema: string = from.schemaname ?? view.schema;
  const table = catalog.relation(schema, from.relname) ?? catalog.relation('public', from.relname);
  if (!table) throw new Unsupported();
  const alias: string | undefined = from.alias?.aliasname;
  const ctx: Ctx = { qualifier: quoteIdent(alias ?? table.name), columns: new Map(table.columns.map((c) => [c.name, c.type])) };
  const targets = (q.targetList as Node[]).map((t, i) => {
    const rt = t.ResTarget;
    const text = expr(rt.val, ctx, null, true);
    const name = view.columns[i]?.name;
    const natural = rt.val.ColumnRef ? nameList(rt.val.ColumnRef.fields).pop() : undefined;
    return natural === name || name === undefined ? text : `${text} AS ${quoteIdent(name)}`;
  });
  let out = `SELECT ${targets.join(',\n    ')}\n   FROM ${table.schema === view.schema || table.schema === 'public' ? '' : quoteIdent(table.schema) + '.'}${quoteIdent(table.name)}${alias ? ' ' + quoteIdent(alias) : ''}`;
  if (q.whereClause) out += `\n  WHERE ${expr(q.whereClause, ctx, null, true)}`;
  if (q.groupClause) out += `\n  GROUP BY ${(q.groupClause as Node[]).map((g) => expr(g, ctx, null, true)).join(', ')}`;
  if (q.havingClause) out += `\n HAVING ${expr(q.havingClause, ctx, null, true)}`;
  if (q.sortClause) {
    out += `\n  ORDER BY ${(q.sortClause as Node[]).map((s) => {
      const sb = s.SortBy;
      return expr(sb.node, ctx, null, true) + (sb.sortby_dir === 'SORTBY_DESC' ? ' DESC' : '');
    }).join(', ')}`;
  }
  if (q.limitCount) out += `\n LIMIT ${expr(q.limitCount, ctx, null, true)}`;
  return out;
}

function typeOfExpr(n: Node, ctx: Ctx): DataType | null {
  if (n.ColumnRef) return ctx.columns.get(nameList(n.ColumnRef.fields).pop()!) ?? null;
  return null;
}

function isCategory(t: DataType | null, cat: string): boolean { return !!t && t.kind === 'scalar' && TYPE_INFO[t.id].category === cat; }

function constText(c: Node, other: DataType | null): string {
  if (c.isnull) return 'NULL';
  if (c.boolval !== undefined) return c.boolval.boolval ? 'true' : 'false';
  const num = c.ival !== undefined ? String(c.ival.ival ?? 0) : c.fval !== undefined ? String(c.fval.fval) : undefined;
  if (num !== undefined) {
    const isInt = c.ival !== undefined;
    const target = other && other.kind === 'scalar' ? other.id : null;
    if (isInt && (target === 'numeric' || target === 'float4' || target === 'float8')) return `${num.startsWith('-') ? `'${num}'` : num}::${formatType({ kind: 'scalar', id: target, typmod: -1 })}`;
    if (num.startsWith('-')) return `'${num}'::${isInt ? 'integer' : 'numeric'}`;
    return num;
  }
  if (c.sval !== undefined) {
    const t = other && isCategory(other, 'S') ? 'text' : other ? formatType(other.kind === 'scalar' ? { ...other, typmod: -1 } : other) : 'text';
    return `'${String(c.sval.sval ?? '').replace(/'/g, "''")}'::${t}`;
  }
  throw new Unsupported();
}

function expr(n: Node, ctx: Ctx, other: DataType | null, top: boolean): string {
  const tag = nodeTag(n);
  const v = n[tag];
  switch (tag) {
    case 'ColumnRef': {
      const f = nameList(v.fields);
      const name = f[f.length - 1];
      if (name === '*' || !ctx.columns.has(name)) throw new Unsupported();
      const col = `${ctx.qualifier}.${quoteIdent(name)}`;
      // Comparing varchar/bpchar with text goes through text, which PostgreSQL shows as a cast.
      const t = ctx.columns.get(name)!;
      return other && isCategory(other, 'S') && t.kind === 'scalar' && (t.id === 'varchar') && !(other.kind === 'scalar' && other.id === 'varchar') ? `(${col})::text` : col;
    }
    case 'A_Const': return constText(v, other);
    case 'A_Expr': {
      if (v.kind !== 'AEXPR_OP' || !v.lexpr) throw new Unsupported();
      const op = nameList(v.name).pop()!;
      const lt = typeOfExpr(v.lexpr, ctx), rt = typeOfExpr(v.rexpr, ctx);
      const strL = v.rexpr.A_Const?.sval !== undefined ? { kind: 'scalar', id: 'text', typmod: -1 } as DataType : rt;
      const strR = v.lexpr.A_Const?.sval !== undefined ? { kind: 'scalar', id: 'text', typmod: -1 } as DataType : lt;
      const s = `${expr(v.lexpr, ctx, strL, false)} ${op} ${expr(v.rexpr, ctx, strR, false)}`;
      return top ? s : `(${s})`;
    }
    case 'BoolExpr': {
      const args = (v.args as Node[]).map((a) => expr(a, ctx, null, false));
      if (v.boolop === 'NOT_EXPR') return `NOT ${args[0]}`;
      const s = args.join(v.boolop === 'AND_EXPR' ? ' AND ' : ' OR ');
      return top ? s : `(${s})`;
    }
    case 'FuncCall': {
      if (v.agg_star) return `${nameList(v.funcname).pop()}(*)`;
      return `${nameList(v.funcname).pop()}(${((v.args ?? []) as Node[]).map((a) => expr(a, ctx, null, true)).join(', ')})`;
    }
    default: throw new Unsupported();
  }
}
