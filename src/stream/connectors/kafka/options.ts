// WITH (…) options of Kafka sources and sinks, checked at CREATE time (SQLSTATE 22023).
// The names follow RisingWave's and Flink's Kafka connectors so users' scripts carry over.

import { SqlError, SqlState } from '../../../errors.js';

export type KafkaFormat = 'json' | 'csv';

export interface KafkaCommonOptions {
  readonly topic: string;
  readonly brokers: string[];
  readonly format: KafkaFormat;
}

export interface KafkaSourceOptions extends KafkaCommonOptions {
  readonly startupMode: 'earliest' | 'latest';
}

function bad(msg: string): SqlError { return new SqlError(SqlState.InvalidParameterValue, msg); }

export function kafkaCommonOptions(o: Readonly<Record<string, string>>): KafkaCommonOptions {
  const topic = o.topic?.trim();
  if (!topic) throw bad('the kafka connector needs topic = \'…\'');
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw bad(`invalid Kafka topic name "${topic}"`);
  const servers = (o['properties.bootstrap.server'] ?? o['properties.bootstrap.servers'] ?? '').trim();
  if (!servers) throw bad('the kafka connector needs properties.bootstrap.server = \'host:port\'');
  const brokers = servers.split(',').map((s) => s.trim()).filter(Boolean);
  for (const b of brokers) if (!/^[^:\s]+:\d{1,5}$/.test(b)) throw bad(`invalid broker address "${b}" (expected host:port)`);
  const format = (o.format ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'csv') throw bad(`unsupported Kafka format "${o.format}"`);
  return { topic, brokers, format };
}

export function kafkaSourceOptions(o: Readonly<Record<string, string>>): KafkaSourceOptions {
  const common = kafkaCommonOptions(o);
  const mode = (o['scan.startup.mode'] ?? 'earliest').toLowerCase();
  if (mode !== 'earliest' && mode !== 'latest') throw bad(`scan.startup.mode must be 'earliest' or 'latest', not "${o['scan.startup.mode']}"`);
  return { ...common, startupMode: mode };
}
