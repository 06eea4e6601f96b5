import { describe, expect, it } from 'vitest';
import { RestartBackoff, restartStrategyConfig } from './restart-strategy.js';

describe('restart strategies', () => {
  it('defaults to exponential-delay for checkpointing jobs and none otherwise', () => {
    expect(restartStrategyConfig({}, true).type).toBe('exponential-delay');
    expect(restartStrategyConfig({}, false).type).toBe('none');
    expect(new RestartBackoff(restartStrategyConfig({}, false)).onFailure()).toBeNull();
  });

  it("fixed-delay restarts 'attempts' times after 'delay', then gives up", () => {
    const b = new RestartBackoff(restartStrategyConfig({ 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '2', 'restart.delay': '250ms' }, true));
    expect([b.onFailure(), b.onFailure(), b.onFailure()]).toEqual([250, 250, null]);
    expect(b.restarts).toBe(2);
  });

  it('exponential-delay grows by the multiplier up to the maximum and resets after a long run', () => {
    let t = 0;
    const b = new RestartBackoff(restartStrategyConfig({ 'restart.strategy': 'exponential-delay', 'restart.initial_backoff': '100ms', 'restart.max_backoff': '500ms', 'restart.backoff_multiplier': '2', 'restart.reset_backoff_threshold': '10s' }, true), () => t);
    expect([b.onFailure(), b.onFailure(), b.onFailure(), b.onFailure()]).toEqual([100, 200, 400, 500]);
    b.started();
    t += 10_000;
    expect(b.onFailure()).toBe(100);
  });

  it('refuses bad values with 22023', () => {
    expect(() => restartStrategyConfig({ 'restart.strategy': 'sometimes' }, true)).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => restartStrategyConfig({ 'restart.attempts': '-1' }, true)).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => restartStrategyConfig({ 'restart.backoff_multiplier': '0.5' }, true)).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => restartStrategyConfig({ 'restart.delay': 'soon' }, true)).toThrow(expect.objectContaining({ code: '22023' }));
  });
});
