// The source connectors Weir knows, by the name used in WITH (connector = '…').

import { SqlError, SqlState } from '../../errors.js';
import { datagenConnector } from './datagen/index.js';
import { kafkaSourceConnector } from './kafka/source.js';
import { nexmarkConnector } from './nexmark/index.js';
import type { SourceConnector } from './source-reader.js';

const CONNECTORS: ReadonlyMap<string, SourceConnector> = new Map([nexmarkConnector, datagenConnector, kafkaSourceConnector].map((c) => [c.name, c]));

export function sourceConnectorNames(): string[] { return [...CONNECTORS.keys()]; }

/** The connector called `name`; 0A000 when there is none. */
export function sourceConnector(name: string): SourceConnector {
  const c = CONNECTORS.get(name.toLowerCase());
  if (!c) {
    throw new SqlError(SqlState.FeatureNotSupported, `source connector "${name}" is not supported yet`,
      { hint: `Supported here: ${sourceConnectorNames().map((n) => `'${n}'`).join(', ')}.` });
  }
  return c;
}
