// Positions of generated sources: the index of the next record a split will produce. Split i of
// n produces records i, i+n, i+2n, … so positions of one split are ≡ i (mod n).

import { SqlError, SqlState } from '../../errors.js';
import type { SourcePosition, SourceSplit } from './source-reader.js';

export function checkSplit(split: SourceSplit): void {
  if (!Number.isInteger(split.count) || split.count < 1 || !Number.isInteger(split.index) || split.index < 0 || split.index >= split.count) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid source split ${split.index} of ${split.count}`);
  }
}

export function seekPosition(position: SourcePosition, split: SourceSplit): number {
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0 || position % split.count !== split.index) {
    throw new SqlError(SqlState.InvalidParameterValue, `position ${JSON.stringify(position)} does not belong to source split ${split.index} of ${split.count}`);
  }
  return position;
}
