// A hash aggregation's group, and its checkpoint form: one packed row (row-pack.ts) of
//   rows, the key's values, whether a row was emitted (and then its aggregate results — the key
//   part of an emitted row is the group's key), then per aggregate state: its class's code and
//   its own fields' values in declaration order (or code 0 and the state as JSON, for a class
//   not listed below).
// Why not the generic JSON of the group: for Nexmark q4's max per auction that was ~220
// characters a group — the key string, every bigint tagged, the class name and field names
// spelled out — and the largest part of the time a checkpoint spends encoding. Packed it is ~60.
// The field names are not written: the operator builds a fresh state of the same class (its
// configuration is the query's) and the values go to its own fields in order; the class code and
// the field count are checked so that a state never takes another class's values.

import type { Datum, Row } from '../../../types/value.js';
import { STATE_CLASS, registerBinaryStateKind, restoreFields, type BinaryStateValue } from '../../checkpoint/state-codec.js';
import { RowReader, packRow, packedBytes } from '../../state/row-pack.js';
import type { AggState } from './agg-state.js';

const KIND = 'agg-group';

/** State classes by code. Codes are in checkpoints: add at the end, never reorder. */
const CLASS_NAMES = ['', 'CountState', 'IntSumState', 'NumericSumState', 'FloatSumState', 'IntervalSumState', 'BoolState',
  'ExtremeState', 'AppendOnlyExtremeState', 'DistinctState', 'MultisetState', 'CountMerge', 'SumMerge', 'BoolMerge'];
const CODES = new Map(CLASS_NAMES.map((name, code) => [name, code]));
/** Code of a state written as its JSON (a class missing from CLASS_NAMES). */
const AS_JSON = 0;

export class AggGroup implements BinaryStateValue {
  rows = 0;
  /** The row last emitted for this group, or null if none is visible downstream. */
  emitted: Row | null = null;
  /** The table generation in which the group was last put (StateTable.generation): once per checkpoint is enough. */
  recorded = -1;

  constructor(
    /** The group's state key (rowKey of the group columns). */
    readonly k: string,
    readonly key: Datum[],
    readonly states: AggState[],
  ) {}

  get stateKind(): string { return KIND; }

  stateBytes(): Uint8Array {
    const flat: unknown[] = [this.rows, ...this.key];
    if (this.emitted) {
      flat.push(true);
      for (let i = this.key.length; i < this.emitted.length; i++) flat.push(this.emitted[i]);
    } else flat.push(false);
    for (const s of this.states) {
      const code = CODES.get(s.constructor.name) ?? AS_JSON;
      if (code === AS_JSON) { flat.push(AS_JSON, s); continue; }
      const fields = Object.values(s);
      flat.push(code, fields.length, ...fields);
    }
    // Values that are not datums (a DISTINCT state's inner state, a multiset's Map) are written
    // as their checkpoint JSON by the row format.
    const n = packRow(flat as Row);
    return packedBytes().subarray(0, n);
  }
}

/** One aggregate state as a checkpoint holds it: a class and its fields' values in order, or JSON. */
export type SavedAggState = { readonly className: string; readonly fields: readonly unknown[] } | { readonly json: unknown };

/** A group's checkpointed fields (from the packed form or from the JSON of older checkpoints). */
export interface SavedAggGroup { readonly key: Datum[]; readonly rows: number; readonly emitted: Row | null; readonly states: readonly SavedAggState[] }

/** A group's bytes as decoded from a checkpoint; the operator unpacks them (it knows the shape). */
export class PackedAggGroup {
  constructor(readonly bytes: Uint8Array) {}

  unpack(keyColumns: number, aggregates: number): SavedAggGroup {
    const v = new RowReader().at(this.bytes, 0).row() as unknown[];
    let i = 0;
    const rows = v[i++] as number;
    const key = v.slice(i, i += keyColumns) as Datum[];
    const emitted = v[i++] ? [...key, ...(v.slice(i, i += aggregates) as Datum[])] : null;
    const states: SavedAggState[] = [];
    for (let j = 0; j < aggregates; j++) {
      const code = v[i++] as number;
      if (code === AS_JSON) { states.push({ json: v[i++] }); continue; }
      const className = CLASS_NAMES[code];
      if (className === undefined) throw new Error(`checkpointed aggregate state has unknown class code ${code}`);
      const n = v[i++] as number;
      states.push({ className, fields: v.slice(i, i += n) });
    }
    if (i !== v.length) throw new Error(`checkpointed aggregate group has ${v.length - i} values more than its ${aggregates} aggregates use`);
    return { key, rows, emitted, states };
  }
}

/** The class a saved state was taken from. */
export function savedClassName(s: SavedAggState): string | undefined {
  if ('className' in s) return s.className;
  const j = s.json;
  return j !== null && typeof j === 'object' ? (j as { [STATE_CLASS]?: string })[STATE_CLASS] : undefined;
}

/** Fill `fresh` (built by the operator for the same call) with a saved state's data. */
export function restoreAggState(fresh: AggState, saved: SavedAggState): void {
  if ('json' in saved) { restoreFields(fresh, saved.json); return; }
  const name = fresh.constructor.name;
  const keys = Object.keys(fresh);
  if (name !== saved.className || keys.length !== saved.fields.length) {
    throw new Error(`checkpointed ${saved.className} (${saved.fields.length} fields) cannot restore a ${name} (${keys.length} fields)`);
  }
  // The values get their fields' names back and restore as the JSON form does (restoreFields:
  // a nested state, a DISTINCT aggregate's inner one, goes into the fresh state's own).
  const named: Record<string, unknown> = {};
  keys.forEach((k, i) => { named[k] = saved.fields[i]; });
  Object.defineProperty(named, STATE_CLASS, { value: saved.className });
  restoreFields(fresh, named);
}

registerBinaryStateKind(KIND, (bytes) => new PackedAggGroup(bytes));
