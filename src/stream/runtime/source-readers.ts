// Opens the split reader a connector-source subtask polls: split i of n for subtask i of n, so the
// subtasks together read what one reader over the whole source would.

import type { StreamNode } from '../plan/stream-plan.js';
import { sourceConnector } from '../connectors/index.js';
import type { SourceColumn, SourceSplit, SourceSplitReader } from '../connectors/source-reader.js';

export function openSourceReader(node: Extract<StreamNode, { op: 'connectorSource' }>, split: SourceSplit): SourceSplitReader {
  const unused = new Set(node.unusedColumns);
  const columns: SourceColumn[] = node.columns.map((c, i) => ({ name: c.name, type: c.type, ...(unused.has(i) ? { unused: true } : {}) }));
  return sourceConnector(node.connector).open(node.options, columns, split);
}
