// The last operator of a materialized view's job: hands the changelog to the view's storage and
// makes each epoch visible at its barrier.

import type { Chunk } from '../chunk.js';
import type { MvWriter } from '../mv-writer.js';
import type { Barrier, Output, StreamOperator } from './operator.js';

export class MaterializeOperator implements StreamOperator {
  constructor(private readonly writer: MvWriter) {}
  processChunk(chunk: Chunk, _input: number, _out: Output): void { this.writer.write(chunk); }
  processBarrier(_b: Barrier, _out: Output): void { this.writer.commitEpoch(); }
}
