// What a streaming join keeps per row of one side, under its join key. An outer side's rows count
// their matches (the degree: its NULL-padded row is out while it is 0), so they are kept as
// `{ row, degree }`. A side that is not outer needs no count, and its rows are kept as they are:
// one object less per stored row for the GC to copy, and a fifth fewer checkpoint bytes.
// Checkpoints written before that kept every side's rows as entries; both shapes read back.

import type { Row } from '../../types/value.js';

export interface DegreeEntry { readonly row: Row; degree: number }

export type StoredRow = Row | DegreeEntry;

/** The row of a stored row, whichever shape it was kept in. */
export function storedRow(s: StoredRow): Row {
  return Array.isArray(s) ? s : (s as DegreeEntry).row;
}
