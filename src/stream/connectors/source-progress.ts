// Announces that a bounded split has been read to its end, on a BroadcastChannel, so a listener in
// any thread of the process (a benchmark, a test) learns when generated sources are drained,
// whether the readers run in this thread or in worker-thread task managers.

import { BroadcastChannel } from 'node:worker_threads';

export const SOURCE_PROGRESS_CHANNEL = 'weir-source-progress';

export interface SplitFinished {
  readonly connector: string;
  /** Which stream of the connector (nexmark: person, auction or bid). */
  readonly stream: string;
  readonly split: { readonly index: number; readonly count: number };
  /** Rows the whole split holds. */
  readonly rows: number;
}

let channel: BroadcastChannel | null = null;

export function reportSplitFinished(event: SplitFinished): void {
  if (!channel) {
    channel = new BroadcastChannel(SOURCE_PROGRESS_CHANNEL);
    (channel as unknown as { unref?: () => void }).unref?.();
  }
  channel.postMessage(event);
}

/** Calls `listener` for every split that finishes from now on; returns a function that stops listening. */
export function onSplitFinished(listener: (event: SplitFinished) => void): () => void {
  const ch = new BroadcastChannel(SOURCE_PROGRESS_CHANNEL);
  ch.onmessage = (m: unknown) => listener((m as { data: SplitFinished }).data);
  return () => ch.close();
}
