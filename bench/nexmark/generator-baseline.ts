// The generator alone: reads all three Nexmark streams for `events` events straight from the
// connector's readers, no SQL and no dataflow, after a short warm-up. Prints one JSON line.

import { sourceConnector } from '../../src/stream/connectors/index.js';
import { T, type DataType } from '../../src/types/datatype.js';
import { SOURCE_COLUMNS, type Stream } from './nexmark-sources.js';

function columns(stream: Stream): { name: string; type: DataType }[] {
  return SOURCE_COLUMNS[stream].split(', ').map((d) => {
    const [name, type] = d.split(' ');
    return { name, type: type === 'bigint' ? T.int8 : type === 'timestamp' ? T.timestamp : T.varchar };
  });
}

function readAll(events: number, seed: number): number {
  const nexmark = sourceConnector('nexmark');
  let rows = 0;
  for (const stream of ['person', 'auction', 'bid'] as const) {
    const reader = nexmark.open({ connector: 'nexmark', 'nexmark.table.type': stream, 'nexmark.event.num': String(events), seed: String(seed) }, columns(stream), { index: 0, count: 1 });
    for (let batch = reader.poll(1024, 0); batch !== null; batch = reader.poll(1024, 0)) rows += batch.length;
  }
  return rows;
}

export function runGeneratorBaseline(events: number, seed: number): Record<string, unknown> {
  readAll(Math.min(events, 50_000), seed + 1); // warm-up: string tables and JIT, as a running source would have
  const start = performance.now();
  const rows = readAll(events, seed);
  const seconds = (performance.now() - start) / 1000;
  return {
    query: 'generator', events, seed, seconds: +seconds.toFixed(3), rows,
    events_per_s: Math.round(events / seconds), rows_per_s: Math.round(rows / seconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 1_000_000), seed = Number(process.argv[3] ?? 42);
  console.log(JSON.stringify(runGeneratorBaseline(events, seed)));
}
