// Replays a Debezium-envelope changelog read back from Kafka strictly: every message's `before`
// must be the key's current row (an insert's, none), so one lost or duplicated transaction breaks
// the chain at the first message it touches — and a broken chain never heals.

import { expect } from 'vitest';

export interface KafkaMessage { readonly key: string | null; readonly value: string | null }

/** The rows the changelog ends with, after checking every link of the chain. */
export function replayDebezium(msgs: readonly KafkaMessage[]): Record<string, unknown>[] {
  const state = new Map<string, string>();
  msgs.forEach((m, i) => {
    const env = JSON.parse(m.value!) as { before: unknown; after: unknown };
    const before = env.before === null ? undefined : JSON.stringify(env.before);
    expect(state.get(m.key!), `message ${i} (${m.value}) follows ${state.get(m.key!)}`).toBe(before);
    if (env.after === null) state.delete(m.key!); else state.set(m.key!, JSON.stringify(env.after));
  });
  return [...state.values()].map((v) => JSON.parse(v) as Record<string, unknown>);
}
