// A task's checkpoint delta, encoded: the changed state keys with their encoded values, packed into
// a few large strings instead of a Map of a key string and a value string per entry.
//
// Why: a delta lives from the snapshot until its checkpoint is confirmed and written (to the
// versioned state, then its keys to the latest-state keyspace) — seconds, so every per-entry object survived
// several scavenges, was copied by each and promoted, and then had to be marked and swept. Nexmark
// q4 at a 10 s interval holds ~40 MB of delta per task in ~400k entries: its collector time grew
// by a third. A chunk of 1M characters lives in V8's large-object space, which scavenges never
// copy; the small strings the encoder makes die young. Readers take entries out one at a time.
//
// Chunk format, one record after another: `<key length>,<value length>,<key><value>`, where a
// value length of -1 means the key was deleted (no value follows).

/** About how many characters a chunk holds before a new one is started. */
const CHUNK_CHARS = 1 << 20;

const COMMA = 44, MINUS = 45, ZERO = 48;

export type StateEntryVisitor = (key: string, value: string | null) => void;

/** An immutable, encoded set of state changes. */
export class StateDelta {
  constructor(
    private readonly chunks: readonly string[],
    /** Entries (a key changed twice in one delta is not possible: a snapshot lists each key once). */
    readonly entries: number,
    /** Characters of keys and values: about the bytes a write of it takes. */
    readonly bytes: number,
  ) {}

  /** Visit every entry in the order it was added. */
  forEach(visit: StateEntryVisitor): void {
    for (const chunk of this.chunks) {
      let i = 0;
      while (i < chunk.length) {
        let keyLength = 0, c: number;
        while ((c = chunk.charCodeAt(i++)) !== COMMA) keyLength = keyLength * 10 + c - ZERO;
        let valueLength = 0;
        if (chunk.charCodeAt(i) === MINUS) { valueLength = -1; i += 3; } else {
          while ((c = chunk.charCodeAt(i++)) !== COMMA) valueLength = valueLength * 10 + c - ZERO;
        }
        const key = chunk.slice(i, i += keyLength);
        if (valueLength < 0) visit(key, null);
        else visit(key, chunk.slice(i, i += valueLength));
      }
    }
  }

  static readonly EMPTY = new StateDelta([], 0, 0);
}

/** Builds a StateDelta entry by entry. */
export class StateDeltaBuilder {
  private readonly chunks: string[] = [];
  private parts: string[] = [];
  private chunkChars = 0;
  private entries = 0;
  private bytes = 0;

  /** Add `key` with its encoded value (null: deleted). */
  add(key: string, value: string | null): void {
    const record = value === null ? `${key.length},-1,${key}` : `${key.length},${value.length},${key}${value}`;
    this.parts.push(record);
    this.chunkChars += record.length;
    this.entries++;
    this.bytes += key.length + (value?.length ?? 0);
    if (this.chunkChars >= CHUNK_CHARS) this.cut();
  }

  private cut(): void {
    if (!this.parts.length) return;
    this.chunks.push(this.parts.join(''));
    this.parts = [];
    this.chunkChars = 0;
  }

  finish(): StateDelta {
    this.cut();
    return this.entries ? new StateDelta(this.chunks, this.entries, this.bytes) : StateDelta.EMPTY;
  }
}
