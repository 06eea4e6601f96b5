import { describe, expect, it } from 'vitest';
import { HopWindowOperator } from './hop-window.js';
import { type Chunk, Op, OP_NAMES } from '../chunk.js';
import type { ExecContext } from '../../executor/context.js';
import { T } from '../../types/datatype.js';

const S = 1_000_000;
// Rows (id, time in seconds); windows of 6 s every 2 s, shown as start seconds.
const op = new HopWindowOperator({ kind: 'column', type: T.timestamp, index: 1 }, 2 * S, 6 * S, 0, {} as ExecContext, 2);

function run(ops: Op[], rows: [number, number | null][]): string[] {
  const out: string[] = [];
  const chunk: Chunk = { ops, rows: rows.map(([id, t]) => [id, t === null ? null : t * S]) };
  op.processChunk(chunk, 0, { emit: (c) => c.rows.forEach((r, i) => out.push(`${OP_NAMES[c.ops[i]]} ${r[0]} ${(r[2] as number) / S}-${(r[3] as number) / S}`)) });
  return out;
}

describe('HopWindowOperator', () => {
  it('emits each change once per window with its kind; a NULL time is in no window', () => {
    expect(run([Op.Insert, Op.Delete, Op.Insert], [[1, 13], [2, 4], [3, null]])).toEqual([
      '+I 1 8-14', '+I 1 10-16', '+I 1 12-18', '-D 2 0-6', '-D 2 2-8', '-D 2 4-10',
    ]);
  });

  it('pairs an update per window it stays in, deletes from windows it leaves, inserts into windows it enters', () => {
    expect(run([Op.UpdateDelete, Op.UpdateInsert], [[1, 9], [1, 13]])).toEqual([
      '-D 1 4-10', '-D 1 6-12', '-U 1 8-14', '+U 1 8-14', '+I 1 10-16', '+I 1 12-18',
    ]);
    expect(run([Op.UpdateDelete, Op.UpdateInsert], [[1, null], [1, 3]])).toEqual(['+I 1 -2-4', '+I 1 0-6', '+I 1 2-8']);
  });

  it('turns a lone half of an update into a delete or an insert', () => {
    expect(run([Op.UpdateInsert, Op.UpdateDelete], [[1, 0], [2, 0]])).toEqual([
      '+I 1 -4-2', '+I 1 -2-4', '+I 1 0-6', '-D 2 -4-2', '-D 2 -2-4', '-D 2 0-6',
    ]);
  });
});
