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

/** Kafka aborts a transaction left open longer than this; Weir keeps one open per checkpoint interval. */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 15 * 60_000;

export function kafkaSinkOptions(o: Readonly<Record<string, string>>, hasKey: boolean, checkpointIntervalMs: number | null): KafkaSinkOptions {
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
  // A transaction stays open from one checkpoint to the next: if Kafka's timeout is shorter, the
  // broker aborts it before Weir commits, and the rows are lost. Refuse rather than lose data.
  if (delivery === 'exactly-once' && checkpointIntervalMs !== null && transactionTimeoutMs <= 2 * checkpointIntervalMs) {
    throw new SqlError(SqlState.InvalidParameterValue, `properties.transaction.timeout.ms (${transactionTimeoutMs}) must be more than twice the checkpoint interval (${checkpointIntervalMs} ms)`, { hint: 'Raise the transaction timeout (the broker caps it at transaction.max.timeout.ms) or checkpoint more often.' });
  }
  return { ...common, encoding: format as SinkEncoding, delivery, transactionTimeoutMs };
}
