// The EMIT ON WINDOW CLOSE buffer holds rows until the watermark passes their time, lets
// retractions cancel what they name meanwhile, then emits each row once, oldest time first; held
// rows and the cutoff survive a restore.

import { describe, expect, it } from 'vitest';
import { Op, type Chunk } from '../chunk.js';
import type { Row } from '../../types/value.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import type { Output, Watermark } from './operator.js';
import { EowcBufferOperator } from './eowc-buffer.js';
import { encodeStateValue } from '../checkpoint/state-codec.js';

class Recorder implements Output {
  rows: Row[] = [];
  ops: Op[] = [];
  marks: Watermark[] = [];
  emit(c: Chunk): void { this.rows.push(...c.rows); this.ops.push(...c.ops); }
  emitWatermark(w: Watermark): void { this.marks.push(w); }
}
const changes = (list: [Op, Row][]): Chunk => ({ ops: list.map(([op]) => op), rows: list.map(([, r]) => r) });

describe('EMIT ON WINDOW CLOSE buffer', () => {
  it('emits held rows once the watermark passes them, oldest first, net of retractions', () => {
    const op = new EowcBufferOperator(0);
    const out = new Recorder();
    op.processChunk(changes([[Op.Insert, [20, 'b']], [Op.Insert, [10, 'a']], [Op.Insert, [10, 'x']], [Op.Insert, [30, 'c']], [Op.Insert, [10, 'a']]]), 0, out);
    op.processChunk(changes([[Op.UpdateDelete, [10, 'x']], [Op.UpdateInsert, [10, 'y']], [Op.Delete, [20, 'b']]]), 0, out);
    expect(out.rows).toEqual([]);
    op.processWatermark({ column: 0, value: 25 }, 0, out);
    expect(out.rows.sort()).toEqual([[10, 'a'], [10, 'a'], [10, 'y']]);
    expect(out.ops.every((o) => o === Op.Insert)).toBe(true);
    expect(out.marks).toEqual([{ column: 0, value: 25 }]);
    // Late rows change nothing; the rest goes out at the end.
    op.processChunk(changes([[Op.Insert, [12, 'late']], [Op.Delete, [10, 'a']]]), 0, out);
    op.processWatermark({ column: 1, value: 99 }, 0, out); // another column: not this buffer's
    op.processWatermark({ column: 0, value: Infinity }, 0, out);
    expect(out.rows.slice(3)).toEqual([[30, 'c']]);
  });

  it('restored from a checkpoint, holds the same rows and still treats released times as late', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const before = new EowcBufferOperator(0, state);
    const out = new Recorder();
    before.processChunk(changes([[Op.Insert, [5, 'a']], [Op.Insert, [15, 'b']]]), 0, out);
    before.processWatermark({ column: 0, value: 10 }, 0, out);
    before.processBarrier({ epoch: 1 }, out);
    expect(out.rows).toEqual([[5, 'a']]);
    const restored = new MemoryStateBackend({ trackChanges: true });
    for (const t of state.all()) for (const [k, v] of t.iterate('')) restored.restoreEncoded(t.name, k, encodeStateValue(v));
    const after = new EowcBufferOperator(0, restored);
    after.restoreState(null);
    const again = new Recorder();
    after.processChunk(changes([[Op.Insert, [7, 'late']], [Op.Insert, [16, 'c']]]), 0, again);
    after.processWatermark({ column: 0, value: 20 }, 0, again);
    expect(again.rows.sort()).toEqual([[15, 'b'], [16, 'c']]);
  });
});
