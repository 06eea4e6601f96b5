// Plans for simple-protocol SELECTs that differ only in their numeric literals (pgbench -M
// simple, ORMs that inline values): `SELECT abalance FROM accounts WHERE aid = 17` runs the plan
// of `… WHERE aid = $1` with $1 = 17, so it is parsed, bound and optimized once per session
// instead of once per query.
//
// A literal becomes a parameter only where that cannot change the answer:
//   - it is an operand of an operator (`=`, `<`, `+`, IN, BETWEEN …) in the parse tree — not a
//     select-list item, ORDER BY / GROUP BY position, LIMIT, type modifier or function argument;
//   - the parameter is declared with the literal's own type (int4, int8 or numeric, as
//     PostgreSQL types it; the type class is part of the key, so `= 7` and `= 7000000000` differ);
//   - binding the template gives exactly the plan binding the original text gives, with the
//     parameter where the constant was (src/session/same-plan.ts) — otherwise, e.g. when the
//     binder folded a cast of the constant, the shape is not cached.
// Anything else (several statements, not a SELECT, a parse or binding error, a literal whose
// value cannot be made) goes to the ordinary path, which reports errors exactly as before.
// Entries are stamped like the plan cache: DDL or a settings change makes them again.

import type { Datum } from '../types/value.js';
import { type DataType, T, sameType, typeOid } from '../types/datatype.js';
import { Numeric } from '../types/numeric.js';
import type { LogicalPlan } from '../plan/logical.js';
import { parseSql, type ParsedStatement } from '../sql/parser.js';
import { nodeTag, type Node } from '../sql/ast.js';
import { type LiteralClass, type NormalizedQuery, type NumericLiteral, normalizeLiterals } from '../sql/normalize-literals.js';
import type { PreparedStatement } from './result.js';
import { type PlanCacheOwner, type Stamp, isCurrentStamp, stampOf } from './plan-cache.js';
import { samePlanModuloParams } from './same-plan.js';

/** What the cache needs from its session. */
export interface LiteralPlanOwner extends PlanCacheOwner {
  prepare(sql: string, paramOids: readonly number[]): PreparedStatement;
  binder(paramTypes: readonly DataType[]): { bindTopQuery(n: Node): LogicalPlan };
}

export interface LiteralPlan {
  readonly prepared: PreparedStatement;
  readonly params: Datum[];
}

/** One query shape (text with its literals marked). */
interface Shape extends Stamp {
  /** Per literal: its parameter number, or -1 where it stays in the text; null when the shape is not cached. */
  readonly slots: readonly number[] | null;
  /** Templates by the text of the literals that stay (a LIMIT 10 and a LIMIT 20 are different templates). */
  readonly variants: Map<string, PreparedStatement | null>;
}

const MAX_SHAPES = 256;
const SELECT_START = /^\s*select\b/i;
const MAX_VARIANTS = 16;
const PARAM_TYPES: Record<LiteralClass, DataType> = { int4: T.int4, int8: T.int8, numeric: T.numeric };

export class LiteralPlanCache {
  private readonly shapes = new Map<string, Shape>();

  constructor(private readonly owner: LiteralPlanOwner) {}

  /** The cached template and parameter values for `sql`, or null: use the ordinary path. Never throws. */
  lookup(sql: string): LiteralPlan | null {
    // Only SELECTs are cached: other statements skip even the scan for literals.
    if (!SELECT_START.test(sql)) return null;
    const q = normalizeLiterals(sql);
    if (!q || !q.literals.length) return null;
    let shape = this.shapes.get(q.key);
    if (!shape || !isCurrentStamp(this.owner, shape)) {
      shape = this.makeShape(sql, q);
      if (this.shapes.size >= MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value!);
      this.shapes.set(q.key, shape);
    }
    const slots = shape.slots;
    if (!slots) return null;
    // A literal with no value (numeric overflow) is the ordinary path's to report.
    const params = literalValues(sql, q.literals, slots);
    if (!params) return null;
    const variant = keptText(sql, q.literals, slots);
    let prepared = shape.variants.get(variant);
    if (prepared === undefined) {
      prepared = this.makeTemplate(sql, q.literals, slots, params);
      if (shape.variants.size >= MAX_VARIANTS) shape.variants.clear();
      shape.variants.set(variant, prepared);
    }
    return prepared ? { prepared, params } : null;
  }

  /** Which literals can be parameters: operands of operators in the original's parse tree. */
  private makeShape(sql: string, q: NormalizedQuery): Shape {
    const stamp = stampOf(this.owner);
    const none: Shape = { ...stamp, slots: null, variants: new Map() };
    let stmts: ParsedStatement[];
    try { stmts = parseSql(sql); } catch { return none; }
    if (stmts.length !== 1 || nodeTag(stmts[0].node) !== 'SelectStmt') return none;
    const operands = new Set<number>();
    operandConstants(stmts[0].node, false, operands);
    const ascii = !/[^\x00-\x7f]/.test(sql);
    let next = 0;
    const slots = q.literals.map((l) => {
      // Parse tree locations are UTF-8 byte offsets.
      const at = ascii ? l.start : Buffer.byteLength(sql.slice(0, l.start), 'utf8');
      return operands.has(at) ? next++ : -1;
    });
    return next ? { ...stamp, slots, variants: new Map() } : none;
  }

  /** Prepare the template and check it binds to the original's plan; null when it does not. */
  private makeTemplate(sql: string, literals: readonly NumericLiteral[], slots: readonly number[], values: readonly Datum[]): PreparedStatement | null {
    let text = '';
    let copied = 0;
    const types: DataType[] = [];
    literals.forEach((l, i) => {
      if (slots[i] < 0) return;
      text += sql.slice(copied, l.start) + '$' + (slots[i] + 1);
      copied = l.end;
      types.push(PARAM_TYPES[l.kind]);
    });
    text += sql.slice(copied);
    try {
      const prepared = this.owner.prepare(text, types.map(typeOid));
      const stmt = prepared.stmt;
      if (!stmt || nodeTag(stmt.node) !== 'SelectStmt') return null;
      if (prepared.paramTypes.length !== types.length || !prepared.paramTypes.every((t, i) => sameType(t, types[i]))) return null;
      const original = parseSql(sql)[0];
      const expected = this.owner.binder([]).bindTopQuery(original.node.SelectStmt);
      const got = this.owner.binder(prepared.paramTypes).bindTopQuery(stmt.node.SelectStmt);
      return samePlanModuloParams(expected, got, values) ? prepared : null;
    } catch {
      return null;
    }
  }
}

/** The texts of the literals that stay in the query, as one string. */
function keptText(sql: string, literals: readonly NumericLiteral[], slots: readonly number[]): string {
  let out = '';
  for (let i = 0; i < literals.length; i++) if (slots[i] < 0) out += sql.slice(literals[i].start, literals[i].end) + '\u0000';
  return out;
}

/** Parameter values from the literals, typed as the binder types constants; null if one cannot be made. */
function literalValues(sql: string, literals: readonly NumericLiteral[], slots: readonly number[]): Datum[] | null {
  const out: Datum[] = [];
  for (let i = 0; i < literals.length; i++) {
    const slot = slots[i];
    if (slot < 0) continue;
    const l = literals[i];
    const text = sql.slice(l.start, l.end);
    if (l.kind === 'int4') out[slot] = Number(text);
    else if (l.kind === 'int8') out[slot] = BigInt(text);
    else {
      try { out[slot] = Numeric.parse(text); } catch { return null; }
    }
  }
  return out;
}

/**
 * Locations of the A_Const nodes that are operands of an A_Expr (directly, or in its IN /
 * BETWEEN list). A negated literal (`-5`) is reported at its sign, so it is never one of them.
 */
function operandConstants(node: unknown, operand: boolean, out: Set<number>): void {
  if (Array.isArray(node)) {
    for (const x of node) operandConstants(x, operand, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'A_Const') {
      const loc = (v as { location?: unknown }).location;
      if (operand && typeof loc === 'number') out.add(loc);
    } else if (k === 'A_Expr') {
      const e = v as { lexpr?: unknown; rexpr?: unknown };
      operandConstants(e.lexpr, true, out);
      operandConstants(e.rexpr, true, out);
    } else if (k === 'List') {
      operandConstants((v as { items?: unknown }).items, operand, out);
    } else operandConstants(v, false, out);
  }
}
