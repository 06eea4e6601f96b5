// Logical plan nodes for batch queries. Each node's output is a list of typed, named columns.

import type { DataType } from '../types/datatype.js';
import type { Datum } from '../types/value.js';
import type { Expr, SortSpec } from './expr.js';

export interface OutputColumn {
  readonly name: string;
  readonly type: DataType;
  /** Where the column came from, for RowDescription's table OID and attribute number. */
  readonly tableOid?: number;
  readonly attnum?: number;
}

export type AggKind =
  | 'count' | 'count_star' | 'sum' | 'avg' | 'min' | 'max' | 'bool_and' | 'bool_or' | 'every'
  | 'string_agg' | 'array_agg' | 'json_agg' | 'jsonb_agg' | 'json_object_agg' | 'jsonb_object_agg'
  | 'stddev' | 'stddev_samp' | 'stddev_pop' | 'variance' | 'var_samp' | 'var_pop' | 'bit_and' | 'bit_or';

export interface AggCall {
  readonly kind: AggKind;
  readonly args: Expr[];
  readonly distinct: boolean;
  readonly filter: Expr | null;
  readonly orderBy: SortSpec[];
  readonly type: DataType;
}

export type WindowFnKind = 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile' | 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value' | 'agg';

export interface FrameBound { readonly kind: 'unbounded_preceding' | 'preceding' | 'current_row' | 'following' | 'unbounded_following'; readonly offset?: Expr }
export interface WindowFrame { readonly mode: 'rows' | 'range' | 'groups'; readonly start: FrameBound; readonly end: FrameBound }

export interface WindowCall {
  readonly fn: WindowFnKind;
  readonly agg?: AggCall;
  readonly args: Expr[];
  readonly partitionBy: Expr[];
  readonly orderBy: SortSpec[];
  readonly frame: WindowFrame;
  readonly type: DataType;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti';

export type LogicalPlan =
  | { readonly kind: 'scan'; readonly tableOid: number; readonly columns: OutputColumn[];
      /** The table's primary-key column positions, when it has one (set by the binder). */
      readonly primaryKey?: readonly number[];
      /** Values for the primary-key columns, in key order: only the row with that key is read (rule primary_key_lookup). */
      readonly keyLookup?: readonly Expr[];
      /** A source declared with WATERMARK FOR column AS expr (expr over the scan's columns). */
      readonly watermark?: { readonly column: number; readonly expr: Expr } }
  /** A system catalog relation computed on read (pg_class, information_schema.tables …). */
  | { readonly kind: 'systemScan'; readonly table: string; readonly columns: OutputColumn[] }
  | { readonly kind: 'values'; readonly rows: Expr[][]; readonly columns: OutputColumn[] }
  | { readonly kind: 'filter'; readonly input: LogicalPlan; readonly predicate: Expr; readonly columns: OutputColumn[] }
  | { readonly kind: 'project'; readonly input: LogicalPlan; readonly exprs: Expr[]; readonly columns: OutputColumn[] }
  | { readonly kind: 'aggregate'; readonly input: LogicalPlan; readonly groupBy: Expr[]; readonly groupingSets?: number[][]; readonly aggs: AggCall[]; readonly columns: OutputColumn[] }
  | { readonly kind: 'window'; readonly input: LogicalPlan; readonly calls: WindowCall[]; readonly columns: OutputColumn[] }
  | { readonly kind: 'join'; readonly joinType: JoinType; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly condition: Expr | null; /** Set by the extract_join_condition rule: hash keys over each input's own columns; `condition` is then only the residual. */ readonly equiKeys?: { left: Expr[]; right: Expr[] }; readonly columns: OutputColumn[] }
  | { readonly kind: 'sort'; readonly input: LogicalPlan; readonly keys: SortSpec[]; readonly columns: OutputColumn[] }
  | { readonly kind: 'limit'; readonly input: LogicalPlan; readonly limit: Expr | null; readonly offset: Expr | null; readonly columns: OutputColumn[] }
  | { readonly kind: 'distinct'; readonly input: LogicalPlan; readonly on: Expr[] | null; readonly columns: OutputColumn[] }
  | { readonly kind: 'setop'; readonly op: 'union' | 'intersect' | 'except'; readonly all: boolean; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly columns: OutputColumn[] }
  /** A set-returning function in FROM (generate_series, unnest …). */
  | { readonly kind: 'tableFunction'; readonly name: string; readonly args: Expr[]; readonly fn: (args: Datum[]) => Iterable<Datum[]>; readonly columns: OutputColumn[] }
  /** HOP(relation, time, slide, size [, offset]): each input row once per hopping window that contains its time
   * (rows whose time is NULL are dropped). Output: the input's columns, then window_start and window_end.
   * Sizes are in microseconds (src/functions/time-window.ts). */
  | { readonly kind: 'hopWindow'; readonly input: LogicalPlan; readonly time: Expr; readonly slide: number; readonly size: number; readonly offset: number; readonly columns: OutputColumn[] }
  /** Reference to a CTE materialised once per statement. */
  | { readonly kind: 'cteRef'; readonly cte: CteDef; readonly columns: OutputColumn[] }
  /** Project-set: evaluates set-returning functions in a select list, one output row per element. */
  | { readonly kind: 'projectSet'; readonly input: LogicalPlan; readonly exprs: Expr[]; readonly srfs: { index: number; fn: (args: Datum[]) => Iterable<Datum>; args: Expr[] }[]; readonly columns: OutputColumn[] };

export interface CteDef { readonly name: string; plan: LogicalPlan; readonly id: number; recursive?: { readonly anchor: LogicalPlan; readonly step: LogicalPlan; readonly all: boolean } }
