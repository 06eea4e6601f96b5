// How checkpoint ids appear in the checkpoint store's keys (level-checkpoint-storage.ts): padded to
// a fixed width so they sort as numbers, and *inverted* in versioned state keys so that a key's
// newest version comes first (LevelDB sorts keys ascending). The latest-state keyspace
// (latest-state.ts) points into the versioned one with the same formats.

const ID_DIGITS = 10;
const MAX_ID = 10 ** ID_DIGITS - 1;

/** A checkpoint id, zero-padded (metadata keys sort by id). */
export const pad = (n: number): string => String(n).padStart(ID_DIGITS, '0');
/** Newest first under one key. */
export const inverted = (id: number): string => pad(MAX_ID - id);
export const fromInverted = (s: string): number => MAX_ID - Number(s);

/** The versioned key of `stateKey` ("<task>/<op>/<table>/<key>") as written by checkpoint `id`. */
export const versionKey = (jobId: string, stateKey: string, id: number): string => `v/${jobId}/${stateKey}\0${inverted(id)}`;
