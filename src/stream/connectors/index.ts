// Connector sources for the local runtime. The nexmark and datagen generators plug in here.

import { SqlError, SqlState } from '../../errors.js';
import type { Chunk } from '../chunk.js';
import type { StreamNode } from '../plan/stream-plan.js';

export interface RunningSource { start(): void; stop(): void }

export function createConnectorSource(node: Extract<StreamNode, { op: 'connectorSource' }>, push: (c: Chunk) => void): RunningSource {
  void push;
  throw new SqlError(SqlState.FeatureNotSupported, `source connector "${node.connector}" is not supported yet`);
}
