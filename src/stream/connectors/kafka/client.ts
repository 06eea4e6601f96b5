// One place that builds kafkajs clients, so every Weir connector logs through the same quiet
// logger and identifies itself the same way to the broker.

import { Kafka, logLevel } from 'kafkajs';

export function kafkaClient(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    // kafkajs logs retriable errors (coordinator loading, leader moves) at ERROR; Weir reports
    // failures through the job instead, so only nothing-level logging reaches stderr.
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}
