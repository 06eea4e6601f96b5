// Event time from a Kafka topic whose records arrive out of order: the source's WATERMARK drops
// the records behind it, a window closes (and, with EMIT ON WINDOW CLOSE, appears) only when a
// later record moves the watermark past its end, and a record for a closed window changes nothing.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type pg from 'pg';
import { sleep, until } from '../support/until.js';
import { startServer, type TestServer } from '../support/server.js';
import { KAFKA_BOOTSTRAP, createTopic, produce, uniqueTopic } from '../support/kafka.js';

let srv: TestServer;
let c: pg.Client;
beforeAll(async () => { srv = await startServer(); c = await srv.client(); });
afterAll(async () => { await srv?.stop(); });

const at = (second: number) => `2026-12-07 10:00:${String(second).padStart(2, '0')}`;
const clicks = (seconds: number[]) => seconds.map((s, i) => ({ value: JSON.stringify({ id: i, ts: at(s) }) }));

async function rows(sql: string): Promise<string[]> {
  await c.query('FLUSH');
  return (await c.query({ text: sql, rowMode: 'array' })).rows.map((r) => r.join(' '));
}

it('drops late records and closes windows as the watermark passes them', async () => {
  const topic = uniqueTopic('clicks');
  await createTopic(topic, 1);
  await c.query('SET TimeZone = UTC');
  await c.query(`CREATE SOURCE clicks (id int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '4' SECOND)
    WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json')`);
  const q = `SELECT to_char(window_start, 'HH24:MI:SS') AS w, count(*) AS n, string_agg(id::text, ',' ORDER BY id) AS ids
    FROM TUMBLE(clicks, ts, INTERVAL '10' SECOND) GROUP BY window_start`;
  await c.query(`CREATE MATERIALIZED VIEW closed AS ${q} EMIT ON WINDOW CLOSE`);
  await c.query(`CREATE MATERIALIZED VIEW live AS ${q}`);
  await c.query('CREATE MATERIALIZED VIEW everything AS SELECT id FROM clicks');

  // 05 is behind the watermark 20 - 4 = 16 and dropped; 17 is not. The watermark (27) closes [00, 10) and [10, 20).
  await produce(topic, clicks([0, 20, 5, 17, 31]));
  await until(async () => (await rows('SELECT count(*) FROM everything'))[0] === '4' || undefined, 'the four on-time records');
  await until(async () => (await rows('SELECT * FROM closed ORDER BY w')).length === 2 || undefined, 'two closed windows');
  expect(await rows('SELECT * FROM closed ORDER BY w')).toEqual(['10:00:00 1 0', '10:00:10 1 3']);
  expect(await rows('SELECT * FROM live ORDER BY w')).toEqual(['10:00:00 1 0', '10:00:10 1 3', '10:00:20 1 1', '10:00:30 1 4']);

  // Late (08 and 26 < 27): dropped. 28 is on time and joins the open window [20, 30).
  await produce(topic, [{ value: JSON.stringify({ id: 5, ts: at(8) }) }, { value: JSON.stringify({ id: 8, ts: at(26) }) }, { value: JSON.stringify({ id: 6, ts: at(28) }) }]);
  await until(async () => (await rows('SELECT count(*) FROM everything'))[0] === '5' || undefined, 'the on-time record 6');
  await sleep(300);
  expect(await rows('SELECT * FROM closed ORDER BY w')).toEqual(['10:00:00 1 0', '10:00:10 1 3']);
  expect(await rows('SELECT * FROM live ORDER BY w')).toEqual(['10:00:00 1 0', '10:00:10 1 3', '10:00:20 2 1,6', '10:00:30 1 4']);

  // 45 moves the watermark to 41: [20, 30) and [30, 40) close with their final rows.
  await produce(topic, [{ value: JSON.stringify({ id: 7, ts: at(45) }) }]);
  await until(async () => (await rows('SELECT * FROM closed ORDER BY w')).length === 4 || undefined, 'four closed windows');
  expect(await rows('SELECT * FROM closed ORDER BY w')).toEqual(['10:00:00 1 0', '10:00:10 1 3', '10:00:20 2 1,6', '10:00:30 1 4']);
}, 60_000);

it('an idle partition holds windows open until its source subtask times out (scan.watermark.idle-timeout)', async () => {
  const topic = uniqueTopic('idle');
  await createTopic(topic, 2);
  const src = (name: string, idle: string) => `CREATE SOURCE ${name} (id int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json'${idle})`;
  await c.query(src('busy_only', ''));
  await c.query(src('busy_idle', ", scan.watermark.idle-timeout = '1s'"));
  const q = (s: string) => `SELECT to_char(window_start, 'HH24:MI:SS') AS w, count(*) AS n FROM TUMBLE(${s}, ts, INTERVAL '10' SECOND) GROUP BY window_start EMIT ON WINDOW CLOSE`;
  // Parallelism 2: one source subtask per partition; only partition 0 gets records.
  await c.query(`CREATE MATERIALIZED VIEW waits WITH (parallelism = 2) AS ${q('busy_only')}`);
  await c.query(`CREATE MATERIALIZED VIEW moves_on WITH (parallelism = 2) AS ${q('busy_idle')}`);
  await produce(topic, [0, 3, 12, 25].map((s, i) => ({ value: JSON.stringify({ id: i, ts: at(s) }), partition: 0 })));
  // 25 - 1 = 24 closes [00, 10) and [10, 20) once the empty subtask no longer counts.
  await until(async () => (await rows('SELECT * FROM moves_on ORDER BY w')).length === 2 || undefined, 'windows closed without the idle partition', 20_000);
  expect(await rows('SELECT * FROM moves_on ORDER BY w')).toEqual(['10:00:00 2', '10:00:10 1']);
  expect(await rows('SELECT * FROM waits')).toEqual([]);
  // The idle partition gets data again (22, on time in its own partition): it counts again. Its
  // subtask reads it well before partition 0 moves on to 41 (a record that reached an idle
  // subtask after the others had closed its window would be late, as in Flink).
  await produce(topic, [{ value: JSON.stringify({ id: 9, ts: at(22) }), partition: 1 }]);
  await sleep(1500);
  await produce(topic, [{ value: JSON.stringify({ id: 10, ts: at(41) }), partition: 0 }]);
  // Without the timeout: the watermark is min(40, 21) — [00, 10) and [10, 20) close, [20, 30) stays open.
  await until(async () => (await rows('SELECT * FROM waits ORDER BY w')).length === 2 || undefined, 'both partitions past 20');
  await sleep(1500);
  expect(await rows('SELECT * FROM waits ORDER BY w')).toEqual(['10:00:00 2', '10:00:10 1']);
  // With it: partition 1 is idle again a second after its record, so 40 closes [20, 30) with 22 and 25.
  await until(async () => (await rows('SELECT * FROM moves_on ORDER BY w')).length === 3 || undefined, 'idle again');
  expect(await rows('SELECT * FROM moves_on ORDER BY w')).toEqual(['10:00:00 2', '10:00:10 1', '10:00:20 2']);
}, 60_000);

it('keeps a watermark per partition: one running ahead does not make another late', async () => {
  const topic = uniqueTopic('parts');
  await createTopic(topic, 2);
  await c.query(`CREATE SOURCE parts (id int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json')`);
  // One source subtask reads both partitions.
  await c.query(`CREATE MATERIALIZED VIEW part_windows WITH (parallelism = 1) AS SELECT to_char(window_start, 'HH24:MI:SS') AS w, count(*) AS n
    FROM TUMBLE(parts, ts, INTERVAL '10' SECOND) GROUP BY window_start EMIT ON WINDOW CLOSE`);
  await c.query('CREATE MATERIALIZED VIEW part_rows WITH (parallelism = 1) AS SELECT id FROM parts');
  const send = (partition: number, records: [number, number][]) =>
    produce(topic, records.map(([id, s]) => ({ value: JSON.stringify({ id, ts: at(s) }), partition })));
  const count = async () => Number((await rows('SELECT count(*) FROM part_rows'))[0]);
  await send(0, [[1, 0], [2, 20], [3, 40]]);
  await until(async () => (await count()) === 3 || undefined, 'partition 0 read');
  // Partition 1 has said nothing: the watermark waits for it, so its older rows are on time.
  await send(1, [[4, 5], [5, 12]]);
  await until(async () => (await count()) === 5 || undefined, "partition 1's rows kept");
  // The watermark is now min(40, 12) - 1 = 11: [00, 10) closes with 0 and 5; 8 is behind it and late.
  await until(async () => (await rows('SELECT * FROM part_windows')).length === 1 || undefined, 'the first window');
  expect(await rows('SELECT * FROM part_windows ORDER BY w')).toEqual(['10:00:00 2']);
  await send(1, [[6, 8], [7, 45]]);
  // Partition 1 at 45: the watermark is min(40, 45) - 1 = 39, closing [10, 20) and [20, 30).
  await until(async () => (await rows('SELECT * FROM part_windows')).length === 3 || undefined, 'three windows');
  expect(await rows('SELECT * FROM part_windows ORDER BY w')).toEqual(['10:00:00 2', '10:00:10 1', '10:00:20 1']);
  expect(await rows('SELECT id FROM part_rows ORDER BY id')).toEqual(['1', '2', '3', '4', '5', '7']);
}, 60_000);
