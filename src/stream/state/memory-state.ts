// In-memory state tables: Maps, with a per-scope Map so one scope's iteration touches only its
// keys. Change tracking (for incremental checkpoints) is opt-in: with it, each table keeps the set
// of keys changed since the last commit (a key changed again in the same epoch costs a Set lookup,
// no allocation); without it — nothing commits yet — put is a plain Map.set and nothing grows.

import { SCOPE_SEP, type KeyedState, type StateBackend, type StateTable } from './keyed-state.js';

/** Keys of one scope, with the change set of that scope. */
class Scope<V> implements KeyedState<V> {
  readonly map = new Map<string, V>();
  constructor(private readonly changed: Set<string> | null) {}
  get(key: string): V | undefined { return this.map.get(key); }
  put(key: string, value: V): void { this.map.set(key, value); this.changed?.add(key); }
  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    this.changed?.add(key);
    return true;
  }
  get size(): number { return this.map.size; }
  entries(): IterableIterator<[string, V]> { return this.map.entries(); }
  values(): IterableIterator<V> { return this.map.values(); }
}

export class MemoryStateTable<V> implements StateTable<V> {
  private readonly top: Scope<V>;
  private readonly topChanged = new Set<string>();
  private readonly scopes = new Map<string, Scope<V>>();
  /** Changed keys per scope; a dropped scope keeps its set until commit so its deletes are listed. */
  private readonly scopeChanged = new Map<string, Set<string>>();

  constructor(readonly name: string, private readonly tracking: boolean) { this.top = new Scope<V>(tracking ? this.topChanged : null); }

  get(key: string): V | undefined { return this.top.map.get(key); }
  put(key: string, value: V): void { this.top.put(key, value); }
  delete(key: string): boolean { return this.top.delete(key); }
  get size(): number { return this.top.map.size; }
  entries(): IterableIterator<[string, V]> { return this.top.map.entries(); }
  values(): IterableIterator<V> { return this.top.map.values(); }

  scope(scope: string): KeyedState<V> {
    let s = this.scopes.get(scope);
    if (!s) {
      let changed = this.scopeChanged.get(scope);
      if (!changed && this.tracking) { changed = new Set(); this.scopeChanged.set(scope, changed); }
      s = new Scope<V>(changed ?? null);
      this.scopes.set(scope, s);
    }
    return s;
  }

  dropScope(scope: string): void {
    const s = this.scopes.get(scope);
    if (!s) return;
    const changed = this.scopeChanged.get(scope);
    if (changed) for (const k of s.map.keys()) changed.add(k);
    this.scopes.delete(scope);
  }

  *iterate(prefix: string): IterableIterator<[string, V]> {
    for (const [k, v] of this.top.map) if (k.startsWith(prefix)) yield [k, v];
    const sep = prefix.indexOf(SCOPE_SEP);
    if (sep >= 0) {
      // The prefix names one scope: only that scope's keys can match.
      const s = this.scopes.get(prefix.slice(0, sep));
      const rest = prefix.slice(sep + 1);
      if (s) for (const [k, v] of s.map) if (k.startsWith(rest)) yield [prefix.slice(0, sep) + SCOPE_SEP + k, v];
      return;
    }
    for (const [name, s] of this.scopes) {
      if (!(name + SCOPE_SEP).startsWith(prefix) && !name.startsWith(prefix)) continue;
      for (const [k, v] of s.map) yield [name + SCOPE_SEP + k, v];
    }
  }

  /** Recovery: put an entry read from a checkpoint (a full key, scoped or not) without recording a change. */
  restoreEntry(fullKey: string, value: V): void {
    const sep = fullKey.indexOf(SCOPE_SEP);
    if (sep < 0) { this.top.map.set(fullKey, value); return; }
    (this.scope(fullKey.slice(0, sep)) as Scope<V>).map.set(fullKey.slice(sep + 1), value);
  }

  /** Lists changes only when the table tracks them (see MemoryStateBackend's option). */
  *changes(): IterableIterator<[string, V | undefined]> {
    for (const k of this.topChanged) yield [k, this.top.map.get(k)];
    for (const [name, keys] of this.scopeChanged) {
      const s = this.scopes.get(name);
      for (const k of keys) yield [name + SCOPE_SEP + k, s?.map.get(k)];
    }
  }

  get changedCount(): number {
    let n = this.topChanged.size;
    for (const keys of this.scopeChanged.values()) n += keys.size;
    return n;
  }

  commit(): void {
    this.topChanged.clear();
    for (const [name, keys] of this.scopeChanged) {
      keys.clear();
      if (!this.scopes.has(name)) this.scopeChanged.delete(name); // dropped: its deletes are written
    }
  }
}

export class MemoryStateBackend implements StateBackend {
  private readonly tables = new Map<string, MemoryStateTable<unknown>>();
  /** `trackChanges`: record changed keys for incremental checkpoints (whoever sets it commits). */
  constructor(private readonly opts: { readonly trackChanges?: boolean } = {}) {}
  table<V>(name: string): StateTable<V> {
    let t = this.tables.get(name);
    if (!t) { t = new MemoryStateTable<unknown>(name, this.opts.trackChanges ?? false); this.tables.set(name, t); }
    return t as MemoryStateTable<V>;
  }
  /** Every table, for a checkpoint to walk. */
  all(): Iterable<StateTable<unknown>> { return this.tables.values(); }
  /** Recovery: load one checkpointed entry into table `name` (created if the operator has not yet). */
  restoreEntry(name: string, fullKey: string, value: unknown): void {
    (this.table(name) as MemoryStateTable<unknown>).restoreEntry(fullKey, value);
  }
}
