// primary_key_lookup: a filter over a table scan whose conjuncts fix every primary-key column to a
// constant or a parameter (`WHERE id = 42`, `WHERE id = $1 AND region = 'eu'`) reads one row
// through the table's primary-key index instead of scanning the table.
//
// The scan is annotated with the key values (`keyLookup`) and the filter stays as it was: the key
// only narrows which rows the scan returns, so the filter still decides, and a consumer that does
// not know the annotation (the streaming planner) reads the whole table and gets the same answer.
// The executor does the point get (src/executor/point-lookup.ts).
//
// The index is keyed by `datumKey` of the stored values, so the rule only fires where equality of
// keys is exactly SQL equality: integer, text, varchar, numeric, boolean, date, uuid and oid keys,
// compared without a cast or through a widening cast (int2 → int4 → int8, varchar → text).

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import type { ScalarTypeId } from '../../types/datatype.js';
import { splitConjuncts } from '../../plan/conjuncts.js';
import type { Rule } from '../optimizer.js';

/** Column types whose `datumKey` equality is SQL `=` (bpchar is not: it ignores trailing blanks). */
const KEYABLE: ReadonlySet<ScalarTypeId> = new Set<ScalarTypeId>(['int2', 'int4', 'int8', 'text', 'varchar', 'numeric', 'bool', 'date', 'uuid', 'oid']);
/** Casts of a key column that keep every value (a narrowing cast could fail on rows the lookup skips). */
const WIDENS: Partial<Record<ScalarTypeId, readonly ScalarTypeId[]>> = { int2: ['int4', 'int8'], int4: ['int8'], varchar: ['text'] };

export const primaryKeyLookup: Rule = {
  name: 'primary_key_lookup',
  apply(plan: LogicalPlan): LogicalPlan {
    if (plan.kind !== 'filter' || plan.input.kind !== 'scan') return plan;
    const scan = plan.input;
    if (scan.keyLookup || !scan.primaryKey?.length) return plan;
    const conjuncts = plan.predicate.kind === 'and' ? splitConjuncts(plan.predicate) : [plan.predicate];
    const values = keyValues(scan.primaryKey, conjuncts);
    if (!values) return plan;
    return { ...plan, input: { ...scan, keyLookup: values } };
  },
};

/** The value each primary-key column is equated to, in key order, or null if one is missing. */
function keyValues(primaryKey: readonly number[], conjuncts: readonly Expr[]): Expr[] | null {
  const out: Expr[] = [];
  for (const col of primaryKey) {
    let value: Expr | null = null;
    for (let i = 0; i < conjuncts.length && !value; i++) {
      const eq = keyEquality(conjuncts[i]);
      if (eq && eq.column === col) value = eq.value;
    }
    if (!value) return null;
    out.push(value);
  }
  return out;
}

/** `column = value` (either way round) where the key of `value` finds the column's stored value. */
function keyEquality(e: Expr): { column: number; value: Expr } | null {
  if (e.kind !== 'call' || e.name !== '=' || e.args.length !== 2) return null;
  const [a, b] = e.args;
  const left = keyColumn(a);
  if (left !== null && isRowIndependent(b) && sameScalar(a.type, b.type)) return { column: left, value: b };
  const right = keyColumn(b);
  if (right !== null && isRowIndependent(a) && sameScalar(a.type, b.type)) return { column: right, value: a };
  return null;
}

/** The column position if `e` is a keyable column, or such a column under a value-keeping cast. */
function keyColumn(e: Expr): number | null {
  if (e.kind === 'column') return scalarId(e.type) !== null && KEYABLE.has(scalarId(e.type)!) ? e.index : null;
  if (e.kind === 'cast' && e.arg.kind === 'column') {
    const from = scalarId(e.arg.type), to = scalarId(e.type);
    if (from === null || to === null) return null;
    if (WIDENS[from]?.includes(to)) return e.arg.index;
  }
  return null;
}

/** A constant, a parameter, or a cast of one: known before the first row is read. */
function isRowIndependent(e: Expr): boolean {
  if (e.kind === 'const' || e.kind === 'param') return true;
  return e.kind === 'cast' && isRowIndependent(e.arg);
}

function scalarId(t: Expr['type']): ScalarTypeId | null { return t.kind === 'scalar' ? t.id : null; }

function sameScalar(a: Expr['type'], b: Expr['type']): boolean {
  const x = scalarId(a), y = scalarId(b);
  return x !== null && x === y;
}
