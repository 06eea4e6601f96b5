// EXPLAIN output: the logical plan as an indented tree, one node per line.

import type { Expr } from './expr.js';
import type { LogicalPlan } from './logical.js';
import { formatType } from '../types/datatype.js';
import { Interval } from '../types/datetime.js';

/** A window size in microseconds as an interval ('00:00:10'). */
export function intervalText(us: number): string { return new Interval(0, 0, us).toString(); }

export function explainExpr(e: Expr, cols: readonly { name: string }[]): string {
  switch (e.kind) {
    case 'const': return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'column': return cols[e.index]?.name ?? `#${e.index}`;
    case 'outer': return `outer${e.depth}.#${e.index}`;
    case 'param': return `$${e.index + 1}`;
    case 'call': return /^[^a-z]/.test(e.name) && e.args.length === 2
      ? `(${explainExpr(e.args[0], cols)} ${e.name} ${explainExpr(e.args[1], cols)})`
      : `${e.name}(${e.args.map((a) => explainExpr(a, cols)).join(', ')})`;
    case 'cast': return `${explainExpr(e.arg, cols)}::${formatType(e.type)}`;
    case 'and': case 'or': return '(' + e.args.map((a) => explainExpr(a, cols)).join(` ${e.kind.toUpperCase()} `) + ')';
    case 'not': return `NOT ${explainExpr(e.arg, cols)}`;
    case 'isnull': return `${explainExpr(e.arg, cols)} IS ${e.negate ? 'NOT ' : ''}NULL`;
    default: return e.kind;
  }
}

export function explainPlan(plan: LogicalPlan, depth = 0, out: string[] = []): string[] {
  const pad = '  '.repeat(depth) + (depth ? '->  ' : '');
  const inCols = 'input' in plan ? plan.input.columns : plan.kind === 'join' ? [...plan.left.columns, ...plan.right.columns] : plan.columns;
  const x = (e: Expr) => explainExpr(e, inCols);
  switch (plan.kind) {
    case 'scan': {
      const key = plan.keyLookup ? ` primary key (${plan.primaryKey!.map((i) => plan.columns[i].name).join(', ')}) = (${plan.keyLookup.map(x).join(', ')})` : '';
      out.push(`${pad}${plan.keyLookup ? 'Key Lookup' : 'Scan'} (oid ${plan.tableOid}) [${plan.columns.map((c) => c.name).join(', ')}]${key}`);
      break;
    }
    case 'systemScan': out.push(`${pad}System Scan on ${plan.table}`); break;
    case 'values': out.push(`${pad}Values (${plan.rows.length} rows)`); break;
    case 'filter': out.push(`${pad}Filter: ${x(plan.predicate)}`); break;
    case 'project': out.push(`${pad}Project: ${plan.exprs.map(x).join(', ')}`); break;
    case 'projectSet': out.push(`${pad}ProjectSet: ${plan.exprs.map(x).join(', ')}`); break;
    case 'aggregate': out.push(`${pad}Aggregate: group by [${plan.groupBy.map(x).join(', ')}] aggs [${plan.aggs.map((a) => `${a.kind}(${a.args.map(x).join(', ')})`).join(', ')}]`); break;
    case 'window': out.push(`${pad}Window: ${plan.calls.map((c) => c.fn).join(', ')}`); break;
    case 'join': {
      const keys = plan.equiKeys ? ` keys [${plan.equiKeys.left.map((l, i) => `${explainExpr(l, plan.left.columns)} = ${explainExpr(plan.equiKeys!.right[i], plan.right.columns)}`).join(', ')}]` : '';
      const cond = plan.condition ? (keys ? ' filter ' : ': ') + x(plan.condition) : '';
      out.push(`${pad}${plan.joinType[0].toUpperCase() + plan.joinType.slice(1)} Join${keys ? ':' + keys : ''}${cond}`);
      break;
    }
    case 'sort': out.push(`${pad}Sort: ${plan.keys.map((k) => x(k.expr) + (k.desc ? ' DESC' : '')).join(', ')}`); break;
    case 'limit': out.push(`${pad}Limit: ${plan.limit ? x(plan.limit) : 'ALL'}${plan.offset ? ' OFFSET ' + x(plan.offset) : ''}`); break;
    case 'distinct': out.push(`${pad}Distinct${plan.on ? ' On' : ''}`); break;
    case 'setop': out.push(`${pad}${plan.op.toUpperCase()}${plan.all ? ' ALL' : ''}`); break;
    case 'tableFunction': out.push(`${pad}Function Scan on ${plan.name}`); break;
    case 'hopWindow': out.push(`${pad}HopWindow: time ${x(plan.time)} slide ${intervalText(plan.slide)} size ${intervalText(plan.size)}${plan.offset ? ` offset ${intervalText(plan.offset)}` : ''}`); break;
    case 'cteRef': out.push(`${pad}CTE Scan on ${plan.cte.name}`); break;
  }
  if (plan.kind === 'join' || plan.kind === 'setop') { explainPlan(plan.left, depth + 1, out); explainPlan(plan.right, depth + 1, out); }
  else if ('input' in plan) explainPlan(plan.input, depth + 1, out);
  return out;
}
