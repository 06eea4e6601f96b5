// The sink connectors with external systems, by the name used in WITH (connector = '…').
// ('blackhole' and 'table' need no external system and live with the operators.)

import { SqlError, SqlState } from '../../errors.js';
import { fileSinkConnector } from './file/file-sink.js';
import { kafkaSinkConnector } from './kafka/sink.js';
import { postgresSinkConnector } from './postgres/postgres-sink.js';
import type { SinkConnector } from './sink-writer.js';

const SINKS: ReadonlyMap<string, SinkConnector> = new Map([kafkaSinkConnector, fileSinkConnector, postgresSinkConnector].map((c) => [c.name, c]));

export function sinkConnectorNames(): string[] { return ['blackhole', 'table', ...SINKS.keys()]; }

/** The external sink connector called `name`, or undefined for Weir's built-in sinks. */
export function externalSinkConnector(name: string): SinkConnector | undefined { return SINKS.get(name.toLowerCase()); }

export function unknownSink(name: string): SqlError {
  return new SqlError(SqlState.FeatureNotSupported, `sink connector "${name}" is not supported`, { hint: `Supported here: ${sinkConnectorNames().map((n) => `'${n}'`).join(', ')}.` });
}
