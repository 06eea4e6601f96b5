// Operator state values as JSON text for checkpoints. State tables hold live JS objects —
// numbers, bigint, Numeric, Interval, bytea, arrays, Maps, Sets, plain records, and the
// aggregate states' class instances — so JSON needs tags for what it cannot say:
//   {"$b":"123"} bigint · {"$n":["-1234",2]} / {"$n":"NaN"} Numeric · {"$i":[m,d,us]} Interval
//   {"$x":"hex"} Uint8Array · {"$f":"NaN"|"Infinity"|"-Infinity"} · {"$u":1} undefined
//   {"$m":[[k,v]…]} Map · {"$s":[…]} Set · {"$o":{…}} a record that has a "$…" key of its own
//   {"$c":"ClassName","f":{…}} a class instance, own public fields (revived through
//   registerStateClass, or rebuilt by its owner with restoreFields; #private fields are not encoded)
//   {"$p":["kind","base64"]} a value kept as bytes of its own format (registerBinaryStateKind)
//   {"$r":"keyed-state"} a reference to a state table scope (its entries are checkpointed as
//   their own keys; the owner re-links it on restore)
// Functions cannot be encoded: a value that holds one throws, naming where.

import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Rebuilds an instance of a state class from its encoded own fields. */
export type StateClassReviver = (fields: Record<string, unknown>) => object;

const revivers = new Map<string, StateClassReviver>();

/** Marks a decoded class instance that had no reviver: its own fields, for `restoreFields`. */
export const STATE_CLASS: unique symbol = Symbol('weir.stateClass');

/**
 * Copy the fields of a decoded class instance onto a freshly constructed one of the same class
 * (the operator constructs it with its configuration; the checkpoint supplies the data). A field
 * that holds a state class instance itself (a DISTINCT aggregate's inner aggregate) is restored
 * into the fresh instance's own object the same way.
 */
export function restoreFields<T extends object>(fresh: T, decoded: unknown): T {
  const name = (decoded as { [STATE_CLASS]?: string } | null)?.[STATE_CLASS];
  const expected = (Object.getPrototypeOf(fresh) as { constructor?: { name?: string } }).constructor?.name;
  if (name !== expected) throw new Error(`checkpointed state of class ${String(name)} cannot restore a ${String(expected)}`);
  const target = fresh as Record<string, unknown>;
  for (const [k, v] of Object.entries(decoded as Record<string, unknown>)) {
    const own = target[k];
    if (v !== null && typeof v === 'object' && STATE_CLASS in v && own !== null && typeof own === 'object') restoreFields(own, v);
    else target[k] = v;
  }
  return fresh;
}

/** Restore support for a class stored in state (the default reviver assigns fields onto its prototype). */
export function registerStateClass(name: string, reviver: StateClassReviver): void { revivers.set(name, reviver); }

/** Register classes whose instances are fully described by their own fields. */
export function registerPlainStateClass(ctor: new (...args: never[]) => object): void {
  registerStateClass(ctor.name, (fields) => Object.assign(Object.create(ctor.prototype) as object, fields));
}

/** A state value kept as bytes of its own format (a join key's packed rows). */
export interface BinaryStateValue {
  /** Names the reviver (registerBinaryStateKind) that makes the bytes a value again. */
  readonly stateKind: string;
  /** The bytes to store (may be a view of a buffer reused later: they are encoded at once). */
  stateBytes(): Uint8Array;
}

const binaryKinds = new Map<string, (bytes: Uint8Array) => object>();

/** Restore support for a BinaryStateValue of `kind`. */
export function registerBinaryStateKind(kind: string, revive: (bytes: Uint8Array) => object): void { binaryKinds.set(kind, revive); }

function isBinary(v: object): v is BinaryStateValue { return typeof (v as Partial<BinaryStateValue>).stateBytes === 'function'; }

/** A state table scope (KeyedState) inside a value: get/put/delete methods and a size. */
function isKeyedStateRef(v: object): boolean {
  const o = v as { get?: unknown; put?: unknown; delete?: unknown };
  return typeof o.get === 'function' && typeof o.put === 'function' && typeof o.delete === 'function' && 'size' in v;
}

/** A value that cannot be stored; containers prepend their part of the path as it unwinds. */
class Unstorable extends Error {
  constructor(readonly kind: string, public path = '') { super(kind); }
}

/** Passes `e` on, its path first prefixed with `segment` when it is an Unstorable. */
function rethrowWithin(e: unknown, segment: string): never {
  if (e instanceof Unstorable) e.path = segment + e.path;
  throw e;
}

/**
 * The JSON text of `v`, written directly — no intermediate tree of tagged objects: a checkpoint
 * encodes every changed key on the task thread, and building a tree first doubled a snapshot's
 * garbage. (Paths for errors are built only when one is thrown.)
 */
function enc(v: unknown): string {
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return Number.isFinite(v) ? String(v) : `{"$f":"${String(v)}"}`;
    case 'bigint': return `{"$b":"${v.toString()}"}`;
    case 'undefined': return '{"$u":1}';
    case 'function': case 'symbol': throw new Unstorable(typeof v);
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    let s = '[';
    let i = 0;
    try {
      for (; i < v.length; i++) s += i ? ',' + enc(v[i]) : enc(v[i]);
    } catch (e) { rethrowWithin(e, `[${i}]`); }
    return s + ']';
  }
  if (isBinary(v as object)) {
    const bin = v as BinaryStateValue, b = bin.stateBytes();
    return `{"$p":[${JSON.stringify(bin.stateKind)},"${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')}"]}`;
  }
  if (v instanceof Numeric) return v.nan ? '{"$n":"NaN"}' : `{"$n":["${v.unscaled.toString()}",${v.scale}]}`;
  if (v instanceof Interval) return `{"$i":[${v.months},${v.days},${v.micros}]}`;
  if (v instanceof Uint8Array) return `{"$x":"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}"}`;
  if (v instanceof Map) {
    let s = '{"$m":[', first = true;
    for (const [k, x] of v) {
      let key: string, value: string;
      try { key = enc(k); } catch (e) { rethrowWithin(e, '.key'); }
      try { value = enc(x); } catch (e) { rethrowWithin(e, `.get(${String(k)})`); }
      s += (first ? '[' : ',[') + key + ',' + value + ']';
      first = false;
    }
    return s + ']}';
  }
  if (v instanceof Set) {
    let s = '{"$s":[', first = true;
    for (const x of v) {
      let item: string;
      try { item = enc(x); } catch (e) { rethrowWithin(e, '.item'); }
      s += (first ? '' : ',') + item;
      first = false;
    }
    return s + ']}';
  }
  const obj = v as Record<string, unknown>;
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(obj);
    const fields = encFields(obj, keys);
    return keys.some((k) => k.startsWith('$')) ? `{"$o":${fields}}` : fields;
  }
  if (isKeyedStateRef(obj)) return '{"$r":"keyed-state"}';
  const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
  return `{"$c":${JSON.stringify(name)},"f":${encFields(obj, Object.keys(obj))}}`;
}

function encFields(obj: Record<string, unknown>, keys: readonly string[]): string {
  let s = '{';
  let i = 0;
  try {
    for (; i < keys.length; i++) s += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + enc(obj[keys[i]]);
  } catch (e) { rethrowWithin(e, `.${keys[i]}`); }
  return s + '}';
}

function dec(j: Json): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(dec);
  if ('$b' in j) return BigInt(j.$b as string);
  if ('$n' in j) { const n = j.$n; return n === 'NaN' ? Numeric.NaN : new Numeric(BigInt((n as Json[])[0] as string), (n as Json[])[1] as number); }
  if ('$i' in j) { const [m, d, us] = j.$i as number[]; return new Interval(m, d, us); }
  if ('$x' in j) return new Uint8Array(Buffer.from(j.$x as string, 'hex'));
  if ('$f' in j) return Number(j.$f);
  if ('$u' in j) return undefined;
  if ('$m' in j) return new Map((j.$m as Json[][]).map(([k, x]) => [dec(k), dec(x)]));
  if ('$s' in j) return new Set((j.$s as Json[]).map(dec));
  if ('$p' in j) {
    const [kind, base64] = j.$p as [string, string];
    const revive = binaryKinds.get(kind);
    if (!revive) throw new Error(`checkpointed state of kind ${kind} has no reviver`);
    return revive(Buffer.from(base64, 'base64'));
  }
  if ('$r' in j) return null; // re-linked by the owner on restore
  if ('$c' in j) {
    const name = j.$c as string;
    const fields: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(j.f as Record<string, Json>)) fields[k] = dec(x);
    const revive = revivers.get(name);
    if (revive) return revive(fields);
    // No reviver: the owner rebuilds the instance (restoreFields) — its configuration, kept in
    // private fields, is the operator's and was never encoded.
    Object.defineProperty(fields, STATE_CLASS, { value: name });
    return fields;
  }
  const src = ('$o' in j ? j.$o : j) as Record<string, Json>;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(src)) out[k] = dec(x);
  return out;
}

/** One state value as JSON text; throws (naming the path) for values holding functions. */
export function encodeStateValue(v: unknown): string {
  try {
    return enc(v);
  } catch (e) {
    if (e instanceof Unstorable) throw new Error(`state value at $${e.path} holds a ${e.kind}, which a checkpoint cannot store`);
    throw e;
  }
}

export function decodeStateValue(text: string): unknown { return dec(JSON.parse(text) as Json); }
