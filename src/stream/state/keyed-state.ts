// The contract between streaming operators and their state, after RisingWave's StateTable: every
// piece of operator state that must survive a restart (aggregation groups, min/max multisets,
// join rows by key, Top-N partitions) lives in a named table of string keys → values, reached
// only through these methods. Tables live in memory (memory-state.ts); `changes()` lists exactly
// what was put or deleted since the last `commit()`, so a checkpoint writes a delta; and when a
// TaskManager's heap passes its budget, cold entries spill to a LevelDB of its own and come back
// on their next `get` (state-memory.ts).
//
// Keys are strings built with `datumKey`/`rowKey` (order-independent lookups; no range scans on
// values). A table can be split into scopes — one group's min/max multiset, one join key's rows —
// whose full key is `scope + SCOPE_SEP + key`; iterating one scope touches only that scope.

/** Separates a scope from a key inside it in a full key (never produced by datumKey). */
export const SCOPE_SEP = '\u0004';

/** A value mutated in place that remembers the table generation it was last put in. */
export interface RecordedValue { recorded: number }

/**
 * Put `value` (mutated in place) under `key` once per checkpoint: a put is a Set insert while
 * checkpoints track changes, and a join key or an aggregation group changes many times between two
 * checkpoints. A value put since the last commit is recorded already (StateTable.generation).
 */
export function recordChange<V extends RecordedValue>(table: StateTable<V>, key: string, value: V): void {
  const generation = table.generation;
  if (value.recorded === generation) return;
  table.put(key, value);
  value.recorded = generation;
}

/** A set of keys → values. Values are live objects: after mutating one in place, `put` it again
 * (same object) so the change is recorded for the next checkpoint. */
export interface KeyedState<V> {
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  /** Remove a key; true if it was present. */
  delete(key: string): boolean;
  readonly size: number;
  entries(): IterableIterator<[string, V]>;
  values(): IterableIterator<V>;
}

/** One operator's named state: top-level keys plus scopes of keys. */
export interface StateTable<V> extends KeyedState<V> {
  readonly name: string;
  /** The keys under `scope` as a table of their own (created empty on first use). */
  scope(scope: string): KeyedState<V>;
  /** Remove a whole scope and everything in it. */
  dropScope(scope: string): void;
  /** Every entry whose full key starts with `prefix` (scoped entries as `scope + SCOPE_SEP + key`). */
  iterate(prefix: string): IterableIterator<[string, V]>;
  /** Full keys put or deleted since the last commit, with the current value (undefined: deleted). */
  changes(): IterableIterator<[string, V | undefined]>;
  /** Number of keys changed since the last commit. */
  readonly changedCount: number;
  /** The changes are durable (a checkpoint wrote them): start a new change set. */
  commit(): void;
  /**
   * Counts commits. A value put since the last one is recorded already: an owner that mutates it
   * row by row may remember this number and skip putting it again until it changes (a put is a
   * Set insert per row otherwise — a join's hot path).
   */
  readonly generation: number;
  /** The owner of `scope` was spilled: the scope may be spilled with it (memory-only tables ignore this). */
  spillScope(scope: string): void;
  /** Bring every spilled entry back into memory, so the whole table can be iterated again. */
  unspill(): Promise<void>;
}

/** How a table's values survive being spilled (state-memory.ts): values are live objects. */
export interface TableOptions<V> {
  /** A spilled value comes back decoded, as plain fields: make it a live value again. */
  revive?(key: string, decoded: unknown): V;
  /** A live value left memory (deleted or spilled): whatever it holds outside the JS heap can go. */
  release?(value: V): void;
  /** The value of `key` was spilled: spill the scopes it refers to (see spillScope). */
  onSpill?(key: string): void;
  /** Never spill this table: it is small and its owner iterates it (a watermark, an index of windows). */
  resident?: boolean;
}

/** Creates the state tables of one operator instance. */
export interface StateBackend {
  table<V>(name: string, options?: TableOptions<V>): StateTable<V>;
}
