// A barrier on its way through one job (the seed of Flink's PendingCheckpoint): it knows which
// subtasks still owe an acknowledgement and collects the sink subtasks' output for the epoch.
// Acknowledging returns what happened instead of throwing, as Flink's acknowledgeTask does.

import type { PackedChunk } from './chunk-codec.js';

export type AckResult = 'SUCCESS' | 'DUPLICATE' | 'UNKNOWN';

export class PendingBarrier {
  private readonly waiting: Set<string>;
  /** Sink output by subtask, applied in subtask order when complete. */
  readonly outputs = new Map<number, readonly PackedChunk[]>();
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(readonly epoch: number, subtasks: readonly string[]) {
    this.waiting = new Set(subtasks);
    this.done = new Promise((r) => { this.resolveDone = r; });
  }

  acknowledge(subtask: string, sinkSubtask: number | null, output: readonly PackedChunk[] | undefined): AckResult {
    if (!this.waiting.delete(subtask)) return this.outputs.size || !this.waiting.size ? 'DUPLICATE' : 'UNKNOWN';
    if (sinkSubtask !== null && output) this.outputs.set(sinkSubtask, output);
    return 'SUCCESS';
  }

  get complete(): boolean { return this.waiting.size === 0; }

  /** Completed, or abandoned because the job stopped: either way nobody should wait longer. */
  finish(): void { this.resolveDone(); }
}
