// WITH (…) options of a Kafka sink (SQLSTATE 22023 for bad values).

import { SqlError, SqlState } from '../../../errors.js';
import type { SinkEncoding } from './changelog-encoding.js';
import { kafkaCommonOptions, type KafkaCommonOptions } from './options.js';

export type SinkDelivery = 'exactly-once' | 'at-least-once';

export interface KafkaSinkOptions extends KafkaCommonOptions {
  readonly encoding: SinkEncoding;
  readonly delivery: SinkDelivery;
  /** Kafka's transaction.timeout.ms for the sink's transactions. */
  readonly transactionTimeoutMs: number;
}

/**
 * Kafka aborts a transaction left open longer than this. Weir's transactions are open only while
 * one completed checkpoint's rows are sent (sink.ts), so the timeout bounds that, not the interval.
 */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 15 * 60_000;

export function kafkaSinkOptions(o: Readonly<Record<string, string>>, hasKey: boolean): KafkaSinkOptions {
  const common = kafkaCommonOptions({ ...o, format: o.format === 'upsert-json' || o.format === 'debezium-json' ? 'json' : o.format ?? 'json' });
  const format = (o.format ?? 'json').toLowerCase();
  if (!['json', 'csv', 'upsert-json', 'debezium-json'].includes(format)) throw new SqlError(SqlState.InvalidParameterValue, `unsupported Kafka sink format "${o.format}"`, { hint: "Use 'json', 'csv', 'upsert-json' or 'debezium-json'." });
  if (format === 'upsert-json' && !hasKey) {
    throw new SqlError(SqlState.InvalidParameterValue, "format = 'upsert-json' needs a key: the sink's query has no unique key Weir can derive", { hint: "Set primary_key = 'col, …' in WITH (…)." });
  }
  const delivery = (o['sink.delivery'] ?? 'exactly-once').toLowerCase();
  if (delivery !== 'exactly-once' && delivery !== 'at-least-once') throw new SqlError(SqlState.InvalidParameterValue, `sink.delivery must be 'exactly-once' or 'at-least-once', not "${o['sink.delivery']}"`);
  const raw = o['properties.transaction.timeout.ms'];
  const transactionTimeoutMs = raw === undefined ? DEFAULT_TRANSACTION_TIMEOUT_MS : Number(raw);
  if (!Number.isInteger(transactionTimeoutMs) || transactionTimeoutMs <= 0) throw new SqlError(SqlState.InvalidParameterValue, `properties.transaction.timeout.ms must be a positive integer, not "${raw}"`);
  return { ...common, encoding: format as SinkEncoding, delivery, transactionTimeoutMs };
}
