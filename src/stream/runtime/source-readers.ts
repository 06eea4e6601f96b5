// Opens the split reader a connector-source subtask polls: split i of n for subtask i of n, so the
// subtasks together read what one reader over the whole source would.

import type { StreamNode } from '../plan/stream-plan.js';
import { sourceColumnsOf, sourceConnector } from '../connectors/index.js';
import type { SourceSplit, SourceSplitReader } from '../connectors/source-reader.js';

export function openSourceReader(node: Extract<StreamNode, { op: 'connectorSource' }>, split: SourceSplit): SourceSplitReader {
  return sourceConnector(node.connector).open(node.options, sourceColumnsOf(node), split);
}
