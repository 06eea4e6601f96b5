// CREATE SOURCE … WITH (connector = 'nexmark', nexmark.table.type = 'bid', …): the Nexmark
// benchmark's person, auction and bid streams. Options:
//   nexmark.table.type  'person' | 'auction' | 'bid' (required)
//   nexmark.event.num   events of all three kinds in the stream (bounded); unbounded if absent
//   nexmark.rate        events per second, all kinds together; 0 or absent = as fast as possible.
//                       Also sets the event-time spacing (1/rate; 10,000 events/s when 0)
//   nexmark.split       splits the local runtime runs (alias nexmark.split.num); split i of n
//                       takes every n-th event of the kind, starting at the i-th
//   nexmark.base.time   event time of event 0, ms since the epoch, or 'now' (fixed at CREATE);
//                       default 2023-01-01 00:00:00 UTC
//   seed                integer; the same seed gives the same stream

import type { SourceColumn, SourceConnector, SourceSplit, SourceSplitReader } from '../source-reader.js';
import type { Options } from '../option-values.js';
import { nexmarkConfig } from './config.js';
import { NexmarkSplitReader } from './reader.js';
import { resolveNexmarkColumns } from './schema.js';

export const nexmarkConnector: SourceConnector = {
  name: 'nexmark',
  validate(options: Options, columns: readonly SourceColumn[]): void {
    const cfg = nexmarkConfig(options);
    resolveNexmarkColumns(cfg.table, columns);
  },
  prepare(options: Options): Record<string, string> {
    const out = { ...options };
    if (out['nexmark.base.time']?.trim().toLowerCase() === 'now') out['nexmark.base.time'] = String(Date.now());
    return out;
  },
  splitCount(options: Options): number { return nexmarkConfig(options).splits; },
  open(options: Options, columns: readonly SourceColumn[], split: SourceSplit): SourceSplitReader {
    const cfg = nexmarkConfig(options);
    return new NexmarkSplitReader(cfg, resolveNexmarkColumns(cfg.table, columns), split);
  },
};
