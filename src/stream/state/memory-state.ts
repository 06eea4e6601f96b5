// In-memory state tables: Maps, with a per-scope Map so one scope's iteration touches only its
// keys. Change tracking (for incremental checkpoints) is opt-in: with it, each table keeps the set
// of keys changed since the last commit (a key changed again in the same epoch costs a Set lookup,
// no allocation); without it — nothing commits yet — put is a plain Map.set and nothing grows.
//
// With a spill port (a TaskManager with a state memory budget), `evict()` writes the least
// recently used entries out, encoded as checkpoints encode them, and drops them from memory; a
// later `get` reads one back (synchronously) and revives it. Entries changed since the last
// checkpoint stay in memory, so a checkpoint's delta is always read from memory. A scope is
// spilled as one value, when its owner is (`spillScope`). Whole-table iteration (restore,
// rescaling, a full snapshot) happens only while nothing is spilled (the task pins its state).
//
// A restore loads entries still encoded (`restoreEncoded`); each is decoded (and revived, like a
// spilled value) when first touched, and untouched ones are the first to spill (they are already
// encoded) — so a task can restore more state than its memory budget holds.
//
// A lazy restore (`restoreFrom`) loads nothing: a key missing from memory and from the spill store
// is read from the checkpoint's latest-state keyspace (checkpoint/latest-state.ts) on first use.
// Every key put, deleted or read since is *consumed* — memory and the spill store hold its truth
// from then on — so the source never brings back a value that changed or went away.

import { decodeStateValue, encodeStateValue } from '../checkpoint/state-codec.js';
import { SCOPE_SEP, type KeyedState, type StateBackend, type StateTable, type TableOptions } from './keyed-state.js';
import type { SpillPort } from './spill-store.js';
import type { LatestTableSource } from '../checkpoint/latest-state.js';

/**
 * Keys of one scope, with the change set of that scope. Entries restored from a checkpoint stay
 * encoded until first touched (`encoded`): a restore reads them without decoding, so a task
 * resumes after reading its state, and entries never touched again are never decoded.
 */
class Scope<V> implements KeyedState<V> {
  readonly map = new Map<string, V>();
  encoded: Map<string, string> | null = null;
  /** `revive`: a decoded value becomes a live one (the table's option, for its top-level keys). */
  constructor(private readonly changed: Set<string> | null, private readonly revive?: (key: string, decoded: unknown) => V) {}
  private live(key: string, text: string): V {
    const decoded = decodeStateValue(text);
    return this.revive ? this.revive(key, decoded) : (decoded as V);
  }
  get(key: string): V | undefined {
    const v = this.map.get(key);
    return v !== undefined || this.encoded === null ? v : this.decode(key);
  }
  /** The restored entry of `key`, decoded into `map` (undefined if there is none). */
  decode(key: string): V | undefined {
    const text = this.encoded!.get(key);
    if (text === undefined) return undefined;
    this.encoded!.delete(key);
    const v = this.live(key, text);
    this.map.set(key, v);
    return v;
  }
  /** Decode every restored entry (before iterating the scope as a whole). */
  decodeAll(): void {
    if (this.encoded === null) return;
    for (const [k, text] of this.encoded) this.map.set(k, this.live(k, text));
    this.encoded = null;
  }
  /** The whole scope as one value, as encodeStateValue([...entries]) writes it; restored entries
   * go in as they are (a spilled scope after a restore is never decoded in between). */
  encodeAll(): string {
    const parts: string[] = [];
    for (const [k, v] of this.map) parts.push(`[${JSON.stringify(k)},${encodeStateValue(v)}]`);
    for (const [k, text] of this.encoded ?? []) parts.push(`[${JSON.stringify(k)},${text}]`);
    return `[${parts.join(',')}]`;
  }
  restoreEncoded(key: string, text: string): void {
    this.map.delete(key);
    (this.encoded ??= new Map()).set(key, text);
  }
  put(key: string, value: V): void {
    this.map.set(key, value);
    this.encoded?.delete(key);
    this.changed?.add(key);
  }
  delete(key: string): boolean {
    if (!this.map.delete(key) && !this.encoded?.delete(key)) return false;
    this.changed?.add(key);
    return true;
  }
  markChanged(key: string): void { this.changed?.add(key); }
  get size(): number { return this.map.size + (this.encoded?.size ?? 0); }
  entries(): IterableIterator<[string, V]> { this.decodeAll(); return this.map.entries(); }
  values(): IterableIterator<V> { this.decodeAll(); return this.map.values(); }
}

export class MemoryStateTable<V> implements StateTable<V> {
  private readonly top: Scope<V>;
  private readonly topChanged = new Set<string>();
  private readonly scopes = new Map<string, Scope<V>>();
  /** Changed keys per scope; a dropped scope keeps its set until commit so its deletes are listed. */
  private readonly scopeChanged = new Map<string, Set<string>>();
  /** Something of this table is in the spill store: a miss must look there. */
  private spilled = false;
  /** Keep `top` in least-recently-used order (from the first eviction on; free until then). */
  private lru = false;
  /** Lazy restore: where keys never touched since the restore are read from (see the header). */
  private source: LatestTableSource | null = null;
  private consumed: Set<string> | null = null;

  constructor(
    readonly name: string,
    private readonly tracking: boolean,
    private spill: SpillPort | null = null,
    private readonly options: TableOptions<V> = {},
  ) { this.top = new Scope<V>(tracking ? this.topChanged : null, options.revive); }

  get(key: string): V | undefined {
    const map = this.top.map;
    const v = map.get(key);
    if (v !== undefined) {
      if (this.lru) { map.delete(key); map.set(key, v); }
      return v;
    }
    if (this.top.encoded !== null) { const d = this.top.decode(key); if (d !== undefined) return d; }
    return this.spilled || this.source ? this.load(key) : undefined;
  }

  put(key: string, value: V): void {
    this.top.put(key, value);
    this.consumed?.add(key);
  }

  delete(key: string): boolean {
    const live = this.options.release ? this.top.map.get(key) : undefined;
    if (live !== undefined) this.options.release!(live);
    if (this.top.delete(key)) {
      if (this.spilled) this.spill!.write(key, null); // an older copy may be out there
      this.consumed?.add(key);
      return true;
    }
    if (this.spilled && this.spill!.read(key) !== undefined) {
      this.spill!.write(key, null);
      this.top.markChanged(key);
      this.consumed?.add(key);
      return true;
    }
    if (!this.source || this.consumed!.has(key) || this.source.read(key) === undefined) return false;
    this.consumed!.add(key);
    this.top.markChanged(key);
    return true;
  }

  /** Lazy restore: keys not in memory are read from `source` when first used. */
  restoreFrom(source: LatestTableSource): void {
    this.source = source;
    this.consumed = new Set();
    // What an operator's constructor put (a global aggregation's empty group) is replaced by the
    // restored value, as an eager restore replaces it.
    for (const k of [...this.top.map.keys()]) {
      const text = source.read(k);
      if (text !== undefined) this.top.restoreEncoded(k, text);
    }
  }

  /**
   * After a lazy restore, while the task runs: bring every key not yet touched into memory (still
   * encoded, as an eager restore leaves them), batch by batch, then let the source go — misses
   * cost a point read only until then. Each batch is applied in one go, so a key the task
   * touched meanwhile (consumed) keeps its value.
   */
  async warmUp(pause?: () => Promise<void>): Promise<void> {
    const source = this.source;
    if (!source) return;
    for await (const batch of source.batches()) {
      await pause?.(); // over the memory budget: wait for the barriers' spilling
      if (this.source !== source) return; // unspilled meanwhile: the source is done with
      for (const [k, text] of batch) {
        if (this.consumed!.has(k) || this.top.map.has(k)) continue;
        this.top.restoreEncoded(k, text);
      }
    }
    if (this.source !== source) return;
    this.source = null;
    this.consumed = null;
  }

  /** Entries in memory (spilled ones are not counted). */
  get size(): number { return this.top.size; }
  entries(): IterableIterator<[string, V]> { this.assertResident(); return this.top.entries(); }
  values(): IterableIterator<V> { this.assertResident(); return this.top.values(); }

  private assertResident(): void {
    if (this.spilled || this.source) throw new Error(`state table ${this.name} has spilled entries and cannot be iterated synchronously`);
  }

  /** Eviction is held off while `unspill` lists what is out (a list taken before an eviction would miss it). */
  private unspilling = false;

  async unspill(): Promise<void> {
    if (this.source) {
      // Lazily restored: read every key never touched since (what the source lists now; keys
      // put later are consumed already), then the source is done with.
      const source = this.source;
      const keys = await source.keys();
      if (this.source === source) { // not warmed up meanwhile
        for (const k of keys) if (!this.consumed!.has(k) && !this.top.map.has(k) && !this.top.encoded?.has(k)) this.load(k);
        this.source = null;
        this.consumed = null;
      }
    }
    if (!this.spilled || !this.spill) return;
    this.unspilling = true;
    try {
      const spill = this.spill;
      const keys = await spill.keys();
      for (const k of keys) {
        if (k.startsWith(SCOPE_SEP)) { this.scope(k.slice(SCOPE_SEP.length)); continue; }
        if (this.top.map.has(k) || this.top.encoded?.has(k)) continue; // in memory already
        this.load(k);
      }
      // Removed key by key (visible to reads at once), not by a clear that lands later: a read
      // after the next eviction must not find an old copy of a key deleted meanwhile.
      for (const k of keys) spill.write(k, null);
      this.spilled = false;
    } finally {
      this.unspilling = false;
    }
  }

  /**
   * A spilled entry, read back into memory. Its copy on disk is removed (an eviction writes it
   * again if it goes back), so the spill store holds only what is out of memory.
   */
  private load(key: string): V | undefined {
    let text = this.spilled ? this.spill!.read(key) : undefined;
    if (text !== undefined) this.spill!.write(key, null);
    else if (this.source && !this.consumed!.has(key)) {
      text = this.source.read(key);
      // Consumed either way: a key enters the source only from this table's own changes (a
      // checkpoint's delta), which consume it first — so a miss need not be read again.
      this.consumed!.add(key);
      if (text === undefined) return undefined;
    } else return undefined;
    const decoded = decodeStateValue(text);
    const v = this.options.revive ? this.options.revive(key, decoded) : (decoded as V);
    this.top.map.set(key, v);
    return v;
  }

  scope(scope: string): KeyedState<V> {
    let s = this.scopes.get(scope);
    if (!s) {
      let changed = this.scopeChanged.get(scope);
      if (!changed && this.tracking) { changed = new Set(); this.scopeChanged.set(scope, changed); }
      s = new Scope<V>(changed ?? null);
      const text = this.spilled ? this.spill!.read(SCOPE_SEP + scope) : undefined;
      if (text !== undefined) {
        for (const [k, v] of decodeStateValue(text) as [string, V][]) s.map.set(k, v);
        this.spill!.write(SCOPE_SEP + scope, null); // back in memory: no copy stays out (see load)
      }
      this.scopes.set(scope, s);
    }
    return s;
  }

  dropScope(scope: string): void {
    // A spilled scope is read back first: its keys must be listed as deleted.
    const s = this.scopes.get(scope) ?? (this.spilled ? (this.scope(scope) as Scope<V>) : undefined);
    if (!s) return;
    const changed = this.scopeChanged.get(scope);
    if (changed) { for (const k of s.map.keys()) changed.add(k); for (const k of s.encoded?.keys() ?? []) changed.add(k); }
    this.scopes.delete(scope);
    if (this.spilled) this.spill!.write(SCOPE_SEP + scope, null);
  }

  spillScope(scope: string): void {
    const s = this.scopes.get(scope);
    if (!s || !this.spill || this.scopeChanged.get(scope)?.size) return; // changed since the checkpoint: stays
    this.spill.write(SCOPE_SEP + scope, s.encodeAll());
    this.scopes.delete(scope);
    this.scopeChanged.delete(scope);
    this.spilled = true;
  }

  /**
   * Spill about `fraction` of the entries in memory, least recently used first, leaving those
   * changed since the last checkpoint. Returns how many were spilled.
   */
  evict(fraction: number): number {
    if (!this.spill || this.unspilling) return 0;
    this.lru = true;
    let budget = Math.ceil(this.top.size * fraction), spilled = 0;
    // Restored entries never touched go first: they are cold, and already encoded.
    const encoded = this.top.encoded;
    if (encoded !== null) {
      for (const [k, text] of encoded) {
        if (budget-- <= 0) break;
        this.spill.write(k, text);
        encoded.delete(k);
        this.spilled = true;
        this.options.onSpill?.(k);
        spilled++;
      }
      if (!encoded.size) this.top.encoded = null;
    }
    for (const [k, v] of this.top.map) {
      if (budget-- <= 0) break;
      if (this.topChanged.has(k)) continue;
      let text: string;
      try {
        text = encodeStateValue(v);
      } catch {
        this.spill = null; // a value the codec cannot write: this table stays in memory
        break;
      }
      this.spill.write(k, text);
      this.top.map.delete(k);
      this.options.release?.(v);
      this.spilled = true;
      this.options.onSpill?.(k);
      spilled++;
    }
    return spilled;
  }

  get resident(): boolean { return this.options.resident ?? false; }

  /** The task ended: its spilled entries go too. */
  releaseSpill(): void { if (this.spilled) this.spill?.clear(); }

  *iterate(prefix: string): IterableIterator<[string, V]> {
    this.assertResident();
    this.top.decodeAll();
    for (const sc of this.scopes.values()) sc.decodeAll();
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

  /** Recovery: an entry as a checkpoint stores it (a full key, scoped or not), decoded — and for a
   * top-level key revived — when first used (see Scope); no change is recorded. */
  restoreEncoded(fullKey: string, text: string): void {
    const sep = fullKey.indexOf(SCOPE_SEP);
    if (sep < 0) { this.top.restoreEncoded(fullKey, text); return; }
    (this.scope(fullKey.slice(0, sep)) as Scope<V>).restoreEncoded(fullKey.slice(sep + 1), text);
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

  private commits = 0;
  get generation(): number { return this.commits; }

  commit(): void {
    this.commits++;
    this.topChanged.clear();
    for (const [name, keys] of this.scopeChanged) {
      keys.clear();
      if (!this.scopes.has(name)) this.scopeChanged.delete(name); // dropped: its deletes are written
    }
  }
}

export interface MemoryStateOptions {
  /** Record changed keys for incremental checkpoints (whoever sets it commits). */
  readonly trackChanges?: boolean;
  /** Where cold entries may be spilled (a TaskManager with a state memory budget). */
  readonly spill?: () => SpillPort;
}

export class MemoryStateBackend implements StateBackend {
  private readonly tables = new Map<string, MemoryStateTable<unknown>>();
  /** Lazy restore: the source of each (non-resident) table, also for tables created later. */
  private lazySource: ((table: string) => LatestTableSource) | null = null;
  constructor(private readonly opts: MemoryStateOptions = {}) {}
  table<V>(name: string, options?: TableOptions<V>): StateTable<V> {
    let t = this.tables.get(name);
    if (!t) {
      const spill = options?.resident ? null : this.opts.spill?.() ?? null;
      t = new MemoryStateTable<unknown>(name, this.opts.trackChanges ?? false, spill, options as TableOptions<unknown>);
      if (this.lazySource && !options?.resident) t.restoreFrom(this.lazySource(name));
      this.tables.set(name, t);
    }
    return t as MemoryStateTable<V>;
  }
  /** Is table `name` resident (never spilled, never read lazily)? */
  isResident(name: string): boolean { return this.tables.get(name)?.resident ?? false; }
  /** After a lazy restore: load every table's untouched keys in the background (see MemoryStateTable.warmUp). */
  warmUp(pause?: () => Promise<void>): Promise<void> { return Promise.all([...this.tables.values()].map((t) => t.warmUp(pause))).then(() => undefined); }
  /** Lazy restore: every non-resident table reads keys it does not hold from `source(table)`. */
  restoreLazily(source: (table: string) => LatestTableSource): void {
    this.lazySource = source;
    for (const t of this.tables.values()) if (!t.resident) t.restoreFrom(source(t.name));
  }
  /** Every table, for a checkpoint to walk. */
  all(): Iterable<MemoryStateTable<unknown>> { return this.tables.values(); }
  /** Recovery: one checkpointed entry, still encoded, into table `name` (decoded when first used). */
  restoreEncoded(name: string, fullKey: string, text: string): void {
    (this.table(name) as MemoryStateTable<unknown>).restoreEncoded(fullKey, text);
  }
}
