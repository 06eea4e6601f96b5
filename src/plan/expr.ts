// Bound scalar expressions: names resolved to column positions, every node typed.

import type { DataType } from '../types/datatype.js';
import type { Datum } from '../types/value.js';
import type { LogicalPlan } from './logical.js';
import type { OidNames } from '../types/text-io.js';

export type ScalarImpl = (args: Datum[], ctx: EvalContext) => Datum;

/** What a function body may need besides its arguments. */
export interface EvalContext {
  readonly timeZone: string;
  /** Statement start time, microseconds since epoch (now() is stable within a statement). */
  readonly statementTime: number;
  readonly session: SessionFunctions;
}

/** Session-dependent functions (current_setting, nextval, catalog lookups) implemented by the session. */
export interface SessionFunctions extends OidNames {
  currentSetting(name: string, missingOk: boolean): string | null;
  setConfig(name: string, value: string, isLocal: boolean): string;
  nextval(seq: string): bigint;
  currval(seq: string): bigint;
  setval(seq: string, value: bigint, isCalled: boolean): bigint;
  regclassIn(name: string): number;
  regclassOut(oid: number): string;
  regtypeOut(oid: number): string;
  regtypeIn(name: string): number;
  regprocOut(oid: number): string;
  regnamespaceOut(oid: number): string;
  userName(oid: number): string | null;
  currentUser(): string;
  backendPid(): number;
  tableIsVisible(oid: number): boolean;
  objDescription(oid: number, catalog?: string): string | null;
  colDescription(oid: number, attnum: number): string | null;
  indexDef(oid: number, column?: number): string | null;
  constraintDef(oid: number): string | null;
  viewDefinition(oid: number): string | null;
  expr(text: string): string | null;
}

export type SortSpec = { readonly expr: Expr; readonly desc: boolean; readonly nullsFirst: boolean };

export type Expr =
  | { readonly kind: 'const'; readonly type: DataType; readonly value: Datum }
  | { readonly kind: 'column'; readonly type: DataType; readonly index: number; readonly name?: string }
  /** A column of an enclosing query's row (correlated subquery); depth 1 = the immediate outer query. */
  | { readonly kind: 'outer'; readonly type: DataType; readonly depth: number; readonly index: number }
  | { readonly kind: 'param'; readonly type: DataType; readonly index: number }
  | { readonly kind: 'call'; readonly type: DataType; readonly name: string; readonly args: Expr[]; readonly impl: ScalarImpl; readonly strict: boolean; readonly volatile?: boolean }
  | { readonly kind: 'cast'; readonly type: DataType; readonly arg: Expr; readonly explicit: boolean }
  | { readonly kind: 'and' | 'or'; readonly type: DataType; readonly args: Expr[] }
  | { readonly kind: 'not'; readonly type: DataType; readonly arg: Expr }
  | { readonly kind: 'isnull'; readonly type: DataType; readonly arg: Expr; readonly negate: boolean }
  | { readonly kind: 'istrue'; readonly type: DataType; readonly arg: Expr; readonly test: 'true' | 'false' | 'unknown'; readonly negate: boolean }
  | { readonly kind: 'distinctfrom'; readonly type: DataType; readonly left: Expr; readonly right: Expr; readonly negate: boolean }
  | { readonly kind: 'case'; readonly type: DataType; readonly whens: { when: Expr; then: Expr }[]; readonly otherwise: Expr | null }
  | { readonly kind: 'coalesce'; readonly type: DataType; readonly args: Expr[] }
  | { readonly kind: 'nullif'; readonly type: DataType; readonly left: Expr; readonly right: Expr; readonly eq: ScalarImpl }
  | { readonly kind: 'greatest' | 'least'; readonly type: DataType; readonly args: Expr[] }
  | { readonly kind: 'inlist'; readonly type: DataType; readonly arg: Expr; readonly list: Expr[]; readonly negate: boolean; readonly eq: ScalarImpl }
  | { readonly kind: 'array'; readonly type: DataType; readonly elems: Expr[] }
  /** `lhs op ANY/ALL (array)`. */
  | { readonly kind: 'anyall'; readonly type: DataType; readonly all: boolean; readonly left: Expr; readonly right: Expr; readonly cmp: ScalarImpl }
  | { readonly kind: 'subquery'; readonly type: DataType; readonly mode: 'scalar' | 'exists' | 'array'; readonly plan: LogicalPlan; readonly correlated: boolean }
  /** `lhs op ANY/ALL (SELECT …)` and `IN (SELECT …)`. */
  /** Placeholders used while binding a grouped or windowed query; rewritten to columns before planning ends. */
  | { readonly kind: 'aggref'; readonly type: DataType; readonly index: number }
  | { readonly kind: 'windowref'; readonly type: DataType; readonly index: number }
  | { readonly kind: 'insubquery'; readonly type: DataType; readonly left: Expr; readonly plan: LogicalPlan; readonly all: boolean; readonly cmp: ScalarImpl; readonly correlated: boolean; /** The comparison operator's name ('=' for IN). */ readonly op?: string };

export function exprType(e: Expr): DataType { return e.type; }
