// UNION ALL combines its inputs' watermarks: the minimum once every input has one, leaving out an
// input that is idle, never going back when it returns.

import { describe, expect, it } from 'vitest';
import type { Output, Watermark } from './operator.js';
import { UnionOperator } from './union.js';

function recorder(): Output & { marks: Watermark[] } {
  const marks: Watermark[] = [];
  return { marks, emit: () => undefined, emitWatermark: (w) => { marks.push(w); } };
}

describe('union watermarks', () => {
  it('is the minimum over active inputs', () => {
    const u = new UnionOperator(2);
    const out = recorder();
    u.processWatermark({ column: 2, value: 10 }, 0, out);
    expect(out.marks).toEqual([]); // input 1 has not reported
    u.processWatermark({ column: 2, value: 7 }, 1, out);
    expect(out.marks).toEqual([{ column: 2, value: 7 }]);
    u.processInputIdle(1, true, out);
    expect(out.marks.at(-1)).toEqual({ column: 2, value: 10 });
    // Back, behind: held until it catches up, never backwards.
    u.processInputIdle(1, false, out);
    u.processWatermark({ column: 2, value: 8 }, 1, out);
    u.processWatermark({ column: 2, value: 12 }, 0, out);
    expect(out.marks.map((m) => m.value)).toEqual([7, 10]);
    u.processWatermark({ column: 2, value: 11 }, 1, out);
    expect(out.marks.map((m) => m.value)).toEqual([7, 10, 11]);
  });
});
