// Connector sources for the local runtime, and the connector registry a parallel runtime opens
// readers from (sourceConnector(name).open(options, columns, split) per source subtask).

import type { Chunk } from '../chunk.js';
import type { StreamNode } from '../plan/stream-plan.js';
import { sourceConnector } from './registry.js';
import { SourceDriver, type SourceDriverHooks } from './source-driver.js';
import type { SourceColumn } from './source-reader.js';

export { sourceConnector, sourceConnectorNames } from './registry.js';
export { SourceDriver, SOURCE_BATCH_ROWS } from './source-driver.js';
export { onSplitFinished, type SplitFinished } from './source-progress.js';
export type { SourceColumn, SourceConnector, SourcePosition, SourceSplit, SourceSplitReader } from './source-reader.js';

/** A source node's columns as its connector's readers see them, unused ones marked (plan/unused-source-columns.ts). */
export function sourceColumnsOf(node: Extract<StreamNode, { op: 'connectorSource' }>): SourceColumn[] {
  const unused = new Set(node.unusedColumns);
  return node.columns.map((c, i) => ({ name: c.name, type: c.type, ...(unused.has(i) ? { unused: true } : {}) }));
}

export interface RunningSource { start(): void; stop(): void; readonly finished?: boolean }

/**
 * Runs every split of the source in this thread (the splits the options ask for, e.g.
 * nexmark.split; one otherwise), so together they emit the whole stream.
 */
export function createConnectorSource(node: Extract<StreamNode, { op: 'connectorSource' }>, push: (c: Chunk) => void, hooks: SourceDriverHooks = {}): RunningSource {
  const connector = sourceConnector(node.connector);
  const columns = sourceColumnsOf(node);
  const count = connector.splitCount?.(node.options) ?? 1;
  const readers = Array.from({ length: count }, (_, index) => connector.open(node.options, columns, { index, count }));
  return new SourceDriver(readers, push, hooks);
}
