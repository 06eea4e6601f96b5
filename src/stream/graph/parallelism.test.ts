import { describe, expect, it } from 'vitest';
import { checkParallelism, defaultParallelism, parseParallelism } from './parallelism.js';

describe('parallelism', () => {
  it('parses integers from 1 to the max parallelism', () => {
    expect(parseParallelism('1', 'p')).toBe(1);
    expect(parseParallelism(' 16 ', 'p')).toBe(16);
    expect(parseParallelism('128', 'p')).toBe(128);
  });

  it('rejects anything else with SQLSTATE 22023 naming the parameter', () => {
    for (const bad of ['0', '-2', '129', '1.5', 'two', '', '1e2']) {
      expect(() => parseParallelism(bad, 'streaming_parallelism')).toThrow(expect.objectContaining({ code: '22023', message: `invalid value for parameter "streaming_parallelism": "${bad}"` }));
    }
    expect(() => checkParallelism(0)).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => checkParallelism(2.5)).toThrow(expect.objectContaining({ code: '22023' }));
  });

  it('defaults to a valid parallelism', () => {
    const p = defaultParallelism();
    expect(() => checkParallelism(p)).not.toThrow();
  });
});
