// EMIT ON WINDOW CLOSE (RisingWave's clause; Flink's group-window aggregation behaves so by
// default): the query's aggregation emits each group once, final, when the watermark passes its
// window, instead of updating it as rows arrive. Its output is then append-only — a Kafka topic
// or file takes it without retractions — and a closed group's state is gone.
//
// The aggregation is the one at the top of the query (only projections and filters above it),
// and it must group by a column that carries a watermark (plan/watermarks.ts): window_start or
// window_end of TUMBLE/HOP over a source declared WITH a WATERMARK. A query whose last step is
// something else — a windowed or interval join, a union — whose output carries a watermark gets
// a buffer that holds its rows until the watermark passes them (operators/eowc-buffer.ts).
// Anything else is refused.

import { SqlError, SqlState } from '../../errors.js';
import type { StreamNode } from './stream-plan.js';
import { watermarkColumns } from './watermarks.js';

/** Relation option recording the clause, so a TaskManager planning the job again sees it. */
export const EMIT_ON_WINDOW_CLOSE_OPTION = 'weir.emit_on_window_close';

const HINT = "Group by window_start or window_end of TUMBLE/HOP over a source declared with WATERMARK FOR <time column> AS <time column> - INTERVAL '5' SECOND.";

/** `id`: numbers for the nodes it adds. */
export function emitOnWindowClose(n: StreamNode, id: () => number): StreamNode {
  switch (n.op) {
    case 'project': case 'filter': case 'exchange': {
      const input = emitOnWindowClose(n.input, id);
      return { ...n, input, changelog: 'append-only' } as StreamNode;
    }
    case 'hashAgg':
      if (!n.window) throw new SqlError(SqlState.FeatureNotSupported, 'EMIT ON WINDOW CLOSE needs an aggregation grouped by a column with a watermark, and no group key of this aggregation has one', { hint: HINT });
      return { ...n, window: { ...n.window, emitOnClose: true }, changelog: 'append-only' };
    case 'hashJoin': case 'union': {
      // Held in one subtask, at the pace of every upstream subtask's watermark, by a time column
      // no output row has NULL: a RIGHT join's right one (its right-only rows are NULL on the left).
      const columns = watermarkColumns(n);
      if (n.op === 'hashJoin' && n.joinType === 'full' && columns.length) throw new SqlError(SqlState.FeatureNotSupported, 'EMIT ON WINDOW CLOSE over a FULL join is not supported: a row of either side alone has the other side\'s time NULL', { hint: 'Use an inner, LEFT or RIGHT join.' });
      const right = n.op === 'hashJoin' && n.joinType === 'right';
      const column = right ? columns.find((c) => c >= n.left.columns.length) : columns[0];
      if (column === undefined) throw new SqlError(SqlState.FeatureNotSupported, `EMIT ON WINDOW CLOSE over ${describe(n)} needs its output to carry a watermark, and this one's does not`, { hint: 'Join on window_start = window_start of both sides, or bound one side\'s time by the other\'s (an interval join).' });
      const single: StreamNode = { op: 'exchange', id: id(), columns: n.columns, changelog: n.changelog, upsertKey: n.upsertKey, input: n, distribution: { kind: 'single' } };
      return { op: 'eowcBuffer', id: id(), columns: n.columns, changelog: 'append-only', input: single, column };
    }
    default:
      throw new SqlError(SqlState.FeatureNotSupported, `EMIT ON WINDOW CLOSE applies to a query whose last step is a windowed aggregation, not to ${describe(n)}`, { hint: HINT });
  }
}

function describe(n: StreamNode): string {
  switch (n.op) {
    case 'hashJoin': case 'semiJoin': return 'a join';
    case 'topN': return 'a Top-N';
    case 'union': return 'a UNION';
    case 'connectorSource': case 'tableSource': case 'values': case 'watermarkFilter': case 'hopWindow': return 'a query without aggregation';
    default: return n.op;
  }
}
