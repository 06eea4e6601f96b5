// Projection pushdown into connector sources (Flink's SupportsProjectionPushDown), by marking:
// when a source's rows reach a projection through nothing but filters (and its watermark
// filter), the columns none of them reads are marked unused, and the source's reader may leave
// them NULL instead of decoding them — a Nexmark bid's url and extra strings cost a Kafka JSON
// source as much as the three columns q4 reads. The rows keep their width, so no column index
// above the source moves, and a plan that reads a source any other way marks nothing.

import { columnRefs } from '../../optimizer/plan-util.js';
import { type StreamNode, streamInputs, withInputs } from './stream-plan.js';

type ConnectorSource = Extract<StreamNode, { op: 'connectorSource' }>;

/** The plan with every connector source's unused columns marked (`unusedColumns`). */
export function markUnusedSourceColumns(n: StreamNode): StreamNode {
  if (n.op === 'project') {
    const used = new Set<number>();
    for (const e of n.exprs) columnRefs(e, used);
    const input = throughFilters(n.input, used);
    if (input) return { ...n, input };
  }
  return withInputs(n, streamInputs(n).map(markUnusedSourceColumns));
}

/**
 * Below a projection that reads `used`: the filters down to a connector source, rebuilt over the
 * source with its unused columns marked; null when something else comes first.
 */
function throughFilters(n: StreamNode, used: Set<number>): StreamNode | null {
  switch (n.op) {
    case 'filter': {
      columnRefs(n.predicate, used);
      const input = throughFilters(n.input, used);
      return input && { ...n, input };
    }
    case 'watermarkFilter': {
      used.add(n.column);
      columnRefs(n.expr, used);
      const input = throughFilters(n.input, used);
      return input && { ...n, input };
    }
    case 'connectorSource': return marked(n, used);
    default: return null;
  }
}

function marked(n: ConnectorSource, used: ReadonlySet<number>): ConnectorSource {
  const unused = n.columns.map((_, i) => i).filter((i) => !used.has(i));
  return unused.length ? { ...n, unusedColumns: unused } : n;
}
