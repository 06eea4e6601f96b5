// EMIT ON WINDOW CLOSE (RisingWave's clause; Flink's group-window aggregation behaves so by
// default): the query's aggregation emits each group once, final, when the watermark passes its
// window, instead of updating it as rows arrive. Its output is then append-only — a Kafka topic
// or file takes it without retractions — and a closed group's state is gone.
//
// The aggregation is the one at the top of the query (only projections and filters above it),
// and it must group by a column that carries a watermark (plan/watermarks.ts): window_start or
// window_end of TUMBLE/HOP over a source declared WITH a WATERMARK. Anything else is refused.

import { SqlError, SqlState } from '../../errors.js';
import type { StreamNode } from './stream-plan.js';

/** Relation option recording the clause, so a TaskManager planning the job again sees it. */
export const EMIT_ON_WINDOW_CLOSE_OPTION = 'weir.emit_on_window_close';

const HINT = "Group by window_start or window_end of TUMBLE/HOP over a source declared with WATERMARK FOR <time column> AS <time column> - INTERVAL '5' SECOND.";

export function emitOnWindowClose(n: StreamNode): StreamNode {
  switch (n.op) {
    case 'project': case 'filter': case 'exchange': {
      const input = emitOnWindowClose(n.input);
      return { ...n, input, changelog: 'append-only' } as StreamNode;
    }
    case 'hashAgg':
      if (!n.window) throw new SqlError(SqlState.FeatureNotSupported, 'EMIT ON WINDOW CLOSE needs an aggregation grouped by a column with a watermark, and no group key of this aggregation has one', { hint: HINT });
      return { ...n, window: { ...n.window, emitOnClose: true }, changelog: 'append-only' };
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
