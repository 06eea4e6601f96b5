// UNION ALL: forwards every input's changes unchanged.

import type { Chunk } from '../chunk.js';
import type { Barrier, Output, StreamOperator } from './operator.js';

export class UnionOperator implements StreamOperator {
  processChunk(chunk: Chunk, _input: number, out: Output): void { out.emit(chunk); }
  processBarrier(_b: Barrier, _out: Output): void { /* stateless */ }
}
