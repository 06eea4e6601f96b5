// The three Nexmark sources every benchmark run creates, bounded to a fixed event count and seed.

export const SOURCE_COLUMNS = {
  person: 'id bigint, name varchar, email_address varchar, credit_card varchar, city varchar, state varchar, date_time timestamp, extra varchar',
  auction: 'id bigint, item_name varchar, description varchar, initial_bid bigint, reserve bigint, date_time timestamp, expires timestamp, seller bigint, category bigint, extra varchar',
  bid: 'auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar',
} as const;

export type Stream = keyof typeof SOURCE_COLUMNS;

/** `watermark`: declare event time as RisingWave's Nexmark sources do (rows may be 4 s late). */
export function createSourceSql(stream: Stream, events: number, seed: number, watermark = false): string {
  const wm = watermark ? ", WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND" : '';
  return `CREATE SOURCE ${stream} (${SOURCE_COLUMNS[stream]}${wm}) WITH (connector = 'nexmark', nexmark.table.type = '${stream}', nexmark.event.num = ${events}, seed = ${seed})`;
}
