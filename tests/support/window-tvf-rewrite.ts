// TUMBLE and HOP for PostgreSQL, which has neither: a window function call paired with the
// parenthesized query that gives PostgreSQL the same rows — TUMBLE as date_bin(size, time, origin),
// HOP as the window starts of a lateral generate_series. The origin is 1970-01-01 00:00 plus the
// offset; rows whose time is NULL are in no window. Used by the differential tests of both engines.

export interface WindowTvf {
  /** The window function call, for Weir. */
  readonly weir: string;
  /** The same rows for PostgreSQL: a parenthesized query (give it an alias). */
  readonly pg: string;
}

/** A time column: timestamp / timestamptz, or a date (windows of the date as a timestamp). */
export type TimeColumn = { readonly name: string; readonly type: 'timestamp' | 'timestamptz' | 'date' };

const col = (c: string | TimeColumn): TimeColumn => (typeof c === 'string' ? { name: c, type: 'timestamp' } : c);
const origin = (c: TimeColumn, offset?: string) =>
  (c.type === 'timestamptz' ? "TIMESTAMPTZ '1970-01-01 00:00:00+00'" : "TIMESTAMP '1970-01-01 00:00:00'") + (offset ? ` + INTERVAL '${offset}'` : '');
const timeOf = (c: TimeColumn) => (c.type === 'date' ? `x.${c.name}::timestamp` : `x.${c.name}`);

/** TUMBLE(rel, time, size [, offset]); sizes are interval texts, `sql` overrides how Weir is given them. */
export function tumble(rel: string, time: string | TimeColumn, size: string, offset?: string, sql?: { size?: string; offset?: string }): WindowTvf {
  const c = col(time);
  const args = [sql?.size ?? `INTERVAL '${size}'`, ...(offset ? [sql?.offset ?? `INTERVAL '${offset}'`] : [])];
  const start = `date_bin(INTERVAL '${size}', ${timeOf(c)}, ${origin(c, offset)})`;
  return {
    weir: `TUMBLE(${rel}, ${c.name}, ${args.join(', ')})`,
    pg: `(SELECT x.*, ${start} AS window_start, ${start} + INTERVAL '${size}' AS window_end FROM ${rel} x WHERE x.${c.name} IS NOT NULL)`,
  };
}

/** HOP(rel, time, slide, size [, offset]). */
export function hop(rel: string, time: string | TimeColumn, slide: string, size: string, offset?: string): WindowTvf {
  const c = col(time);
  const last = `date_bin(INTERVAL '${slide}', ${timeOf(c)}, ${origin(c, offset)})`;
  return {
    weir: `HOP(${rel}, ${c.name}, INTERVAL '${slide}', INTERVAL '${size}'${offset ? `, INTERVAL '${offset}'` : ''})`,
    pg: `(SELECT x.*, s AS window_start, s + INTERVAL '${size}' AS window_end FROM ${rel} x, ` +
      `LATERAL generate_series(${last} - (INTERVAL '${size}' - INTERVAL '${slide}'), ${last}, INTERVAL '${slide}') AS s WHERE x.${c.name} IS NOT NULL)`,
  };
}
